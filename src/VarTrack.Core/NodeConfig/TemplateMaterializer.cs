using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Renders files from templates once the deployment is ready (<see cref="NodeMembership"/>): each of
/// <c>node_files</c> once per member with <c>self</c> set, each of <c>shared_files</c> once. Templates are read from
/// the source (a folder, or Git at the pinned commit) and parsed at each materialization; the cache in front makes
/// that once per snapshot. The template language is <see cref="NodeTemplate"/>.
/// </summary>
public sealed class TemplateMaterializer(NodeMaterializerSettings settings, INodeFileSource source) : IMaterializer
{
    public async Task<string> VersionAsync(CancellationToken cancellationToken = default) =>
        $"template:{SettingsText(settings)}:{await source.VersionAsync(cancellationToken)}";

    public async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var (members, notReady) = NodeMembership.Of(settings, snapshot);
        if (members is null) return new MaterializationNotReady(notReady!) { MissingReasons = NodeMembership.Strangers(settings, snapshot) };

        var nodeTemplates = new List<(string Path, NodeTemplate Template)>();
        foreach (var (path, template) in settings.NodeFiles.OrderBy(e => e.Key, StringComparer.Ordinal))
            nodeTemplates.Add((path, await LoadAsync(template, allowSelf: true, cancellationToken)));
        var shared = new List<NodeArtifact>();
        foreach (var (path, template) in settings.SharedFiles.OrderBy(e => e.Key, StringComparer.Ordinal))
            shared.Add(Artifact(path, (await LoadAsync(template, allowSelf: false, cancellationToken)).Render(null, members)));

        var nodeFiles = new Dictionary<string, IReadOnlyList<NodeArtifact>>(StringComparer.Ordinal);
        foreach (var node in members)
            nodeFiles[node.Identifier] = nodeTemplates.Select(t => Artifact(t.Path, t.Template.Render(node, members))).ToList();
        return new MaterializationReady(nodeFiles, shared) { MissingReasons = NodeMembership.Strangers(settings, snapshot) };
    }

    private NodeArtifact Artifact(string path, string text) =>
        new(path, Encoding.UTF8.GetBytes(text)) { Mode = settings.SecretFiles.Contains(path) ? NodeArtifact.SecretMode : null };

    private async Task<NodeTemplate> LoadAsync(string template, bool allowSelf, CancellationToken cancellationToken) =>
        Parse(await source.ReadAsync(template, cancellationToken), source.Describe(template), allowSelf);

    /// <summary>A template's bytes (null: absent) parsed, or an error naming it (also used at load for folder sources).</summary>
    internal static NodeTemplate Parse(byte[]? bytes, string name, bool allowSelf)
    {
        if (bytes is null) throw new VarTrackException(new Problem($"template {name} does not exist"));
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new VarTrackException(new Problem($"template {name} is not valid UTF-8 text"));
        }
        return NodeTemplate.Parse(text.TrimStart('\uFEFF'), name, allowSelf);
    }

    /// <summary>The settings that change what is rendered, as one line (part of the version).</summary>
    internal static string SettingsText(NodeMaterializerSettings settings) => string.Join('|',
        settings.Type, settings.MinNodes, string.Join(',', settings.Identifiers ?? []),
        string.Join(',', settings.NodeFiles.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
        string.Join(',', settings.SharedFiles.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
        string.Join(',', settings.SecretFiles.Order(StringComparer.Ordinal)));
}
