using System.Text.RegularExpressions;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Binds the <c>nodes:</c> section of vartrack.yaml. Every problem is collected on the binder with its position and
/// the key involved, like the rest of the file. Paths are checked here (payload paths with <see cref="NodeFilePath"/>,
/// folder templates exist) so a bad setting stops the host at startup instead of failing the first node.
/// </summary>
internal static partial class NodeSettingsBinder
{
    private static readonly string[] Keys = ["deployment", "tokens", "retry_after", "registry", "materializer", "keep_payloads"];
    private static readonly string[] TokenKeys = ["bootstrap", "per_node"];
    private static readonly string[] RegistryKeys = ["connection", "table"];
    private static readonly string[] MaterializerKeys = ["type", "min_nodes", "identifiers", "source", "node_files", "shared_files", "secret_files"];
    private static readonly string[] SourceKeys = ["folder", "repository", "commit", "ref", "clone_url", "path"];
    private static readonly Dictionary<string, NodeMaterializerType> Types = new(StringComparer.Ordinal)
    {
        ["precomputed"] = NodeMaterializerType.Precomputed,
        ["template"] = NodeMaterializerType.Template,
    };

    private const string RegistryBootstrap = "the registry is opened when the host starts; use ${ENV_VAR}";

    public static NodeSettings? Bind(ConfigBinder b, ConfigMap? map, string baseDirectory, GitSettings git)
    {
        if (map is null) return null;
        const string what = "'nodes'";
        b.OnlyKeys(map, what, Keys);
        var deployment = b.String(map, "deployment", what) ?? NodeSettings.DefaultDeployment;
        if (!NodeIdentifier.IsValid(deployment))
            b.Add(map["deployment"]!.Position, $"'deployment' in {what} must be {NodeIdentifier.Rule}");
        var retryAfter = b.Duration(map, "retry_after", what) ?? TimeSpan.FromSeconds(5);
        if (retryAfter > TimeSpan.FromHours(1)) b.Add(map["retry_after"]!.Position, $"'retry_after' in {what} must be at most 1h");
        var keepPayloads = b.Integer(map, "keep_payloads", what) ?? NodeSettings.DefaultKeepPayloads;
        if (keepPayloads < 1) b.Add(map["keep_payloads"]!.Position, $"'keep_payloads' in {what} must be at least 1 (the payload being served is always kept)");

        var tokens = BindTokens(b, map);
        var registry = BindRegistry(b, b.Map(map["registry"], "'registry' of 'nodes'"));
        var materializer = BindMaterializer(b, map, baseDirectory, git);
        if (tokens is null || materializer is null) return null;
        return new NodeSettings(tokens, materializer) { Deployment = deployment, RetryAfter = retryAfter, Registry = registry, KeepPayloads = keepPayloads };
    }

    private static NodeTokenSettings? BindTokens(ConfigBinder b, ConfigMap nodes)
    {
        const string what = "'tokens' of 'nodes'";
        var map = b.Map(nodes["tokens"], what);
        if (map is null)
        {
            if (!nodes.TryGetEntry("tokens", out _)) b.Add(nodes.Position, "'nodes' needs 'tokens' (bootstrap: ${TOKEN}, or per_node: {node-1: ${TOKEN_1}})");
            return null;
        }
        b.OnlyKeys(map, what, TokenKeys);
        var bootstrap = VarTrackConfigLoader.SettingOf(b, map, "bootstrap", what, required: false, secretRefusal: null);
        var perNode = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
        var perNodeMap = b.Map(map["per_node"], "'per_node' of 'tokens' of 'nodes'");
        foreach (var entry in perNodeMap?.Entries ?? [])
        {
            if (!NodeIdentifier.IsValid(entry.Key))
            {
                b.Add(entry.KeyPosition, $"node identifier '{entry.Key}' in 'per_node' of {what} must be {NodeIdentifier.Rule}");
                continue;
            }
            if (VarTrackConfigLoader.SettingOf(b, perNodeMap!, entry.Key, $"'per_node' of {what}", required: true, secretRefusal: null) is { } token)
                perNode[entry.Key] = token;
        }
        var hasBootstrap = map.TryGetEntry("bootstrap", out _);
        var hasPerNode = map.TryGetEntry("per_node", out _);
        if (hasBootstrap == hasPerNode)
        {
            b.Add(map.Position, $"{what} needs exactly one of 'bootstrap' (one token for every node) or 'per_node' (a token per node identifier)");
            return null;
        }
        if (hasPerNode && perNodeMap is { Entries.Count: 0 })
            b.Add(perNodeMap.Position, $"'per_node' of {what} lists no node");
        return new NodeTokenSettings { Bootstrap = bootstrap, PerNode = perNode };
    }

    private static NodeRegistrySettings? BindRegistry(ConfigBinder b, ConfigMap? map)
    {
        if (map is null) return null;
        const string what = "'registry' of 'nodes'";
        b.OnlyKeys(map, what, RegistryKeys);
        var connection = VarTrackConfigLoader.SettingOf(b, map, "connection", what, required: true, secretRefusal: RegistryBootstrap);
        var table = b.String(map, "table", what) ?? NodeRegistrySettings.DefaultTable;
        if (!TableShape().IsMatch(table))
            b.Add(map["table"]!.Position, $"'table' in {what} must be an Azure table name: 3 to 63 letters and digits, starting with a letter");
        return connection is null ? null : new NodeRegistrySettings(connection, table);
    }

    private static NodeMaterializerSettings? BindMaterializer(ConfigBinder b, ConfigMap nodes, string baseDirectory, GitSettings git)
    {
        const string what = "'materializer' of 'nodes'";
        var map = b.Map(nodes["materializer"], what);
        if (map is null)
        {
            if (!nodes.TryGetEntry("materializer", out _)) b.Add(nodes.Position, "'nodes' needs 'materializer' (type: template or precomputed)");
            return null;
        }
        b.OnlyKeys(map, what, MaterializerKeys);
        var typeName = b.Choice(map, "type", what, Types.Keys);
        if (typeName is null)
        {
            if (!map.TryGetEntry("type", out _)) b.Add(map.Position, $"{what} needs 'type' ({string.Join(" or ", Types.Keys)})");
            return null;
        }
        var type = Types[typeName];

        var minNodes = b.Integer(map, "min_nodes", what);
        if (minNodes is < 1) b.Add(map["min_nodes"]!.Position, $"'min_nodes' in {what} must be at least 1");
        IReadOnlyList<string>? identifiers = null;
        if (map.TryGetEntry("identifiers", out var identifiersEntry))
        {
            var list = new List<string>();
            foreach (var (identifier, position) in b.StringList(map, "identifiers", what))
            {
                if (!NodeIdentifier.IsValid(identifier)) b.Add(position, $"node identifier '{identifier}' in 'identifiers' of {what} must be {NodeIdentifier.Rule}");
                else if (list.Contains(identifier)) b.Add(position, $"node identifier '{identifier}' is listed twice in 'identifiers' of {what}");
                else list.Add(identifier);
            }
            if (list.Count == 0 && identifiersEntry.Value is not ConfigList { Items.Count: > 0 })
                b.Add(identifiersEntry.Value.Position, $"'identifiers' in {what} lists no node");
            identifiers = list;
        }
        if (minNodes is not null && identifiers is not null)
            b.Add(map["identifiers"]!.Position, $"{what} takes 'min_nodes' or 'identifiers', not both");
        if (type == NodeMaterializerType.Template && minNodes is null && identifiers is null)
            b.Add(map.Position, $"{what} (type template) needs 'min_nodes' or 'identifiers' (when to render)");

        var source = BindSource(b, b.Map(map["source"], "'source' of 'materializer' of 'nodes'"), map, baseDirectory, git);
        var nodeFiles = FileMap(b, map, "node_files", what, type);
        var sharedFiles = FileMap(b, map, "shared_files", what, type);
        foreach (var path in nodeFiles.Keys.Intersect(sharedFiles.Keys, StringComparer.Ordinal))
            b.Add(map["shared_files"]!.Position, $"payload path '{path}' is in both 'node_files' and 'shared_files' of {what}");
        if (type == NodeMaterializerType.Template && !map.TryGetEntry("node_files", out _) && !map.TryGetEntry("shared_files", out _))
            b.Add(map.Position, $"{what} (type template) needs 'node_files' or 'shared_files' (payload path: template file)");
        // Folder templates are parsed now, so a syntax error stops the host at startup naming file:line:col; a Git
        // source is only read at materialization (its commit is fetched then), so its templates are checked there.
        if (type == NodeMaterializerType.Template && source is { IsGit: false, Folder: { } folder })
            foreach (var (key, template, position, allowSelf) in nodeFiles.Values.Select(f => (f.Key, f.Template, f.Position, true)).Concat(sharedFiles.Values.Select(f => (f.Key, f.Template, f.Position, false))))
            {
                if (!File.Exists(Path.Combine(folder, template)))
                {
                    b.Add(position, $"template '{template}' of '{key}' in {what} does not exist in {folder}");
                    continue;
                }
                var templates = new FolderNodeSource(folder);
                try
                {
                    TemplateMaterializer.Parse(templates.ReadAsync(template).GetAwaiter().GetResult(), templates.Describe(template), allowSelf);
                }
                catch (VarTrackException ex)
                {
                    b.Problems.AddRange(ex.Problems);
                }
            }

        var secretFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (text, position) in b.StringList(map, "secret_files", what))
        {
            var path = NodeFilePath.Normalize(text, out var problem);
            if (path is null) b.Add(position, $"payload path '{text}' in 'secret_files' of {what} {problem}");
            else if (type == NodeMaterializerType.Template && !nodeFiles.ContainsKey(path) && !sharedFiles.ContainsKey(path))
                b.Add(position, $"'{text}' in 'secret_files' of {what} is not a payload path of 'node_files' or 'shared_files'");
            else secretFiles.Add(path);
        }
        if (source is null) return null;
        return new NodeMaterializerSettings(type, source)
        {
            MinNodes = minNodes,
            Identifiers = identifiers,
            NodeFiles = nodeFiles.ToDictionary(e => e.Key, e => e.Value.Template, StringComparer.Ordinal),
            SharedFiles = sharedFiles.ToDictionary(e => e.Key, e => e.Value.Template, StringComparer.Ordinal),
            SecretFiles = secretFiles,
        };
    }

    /// <summary>payload path -> (written key, template path, position of the entry).</summary>
    private static Dictionary<string, (string Key, string Template, SourcePosition Position)> FileMap(ConfigBinder b, ConfigMap parent, string key, string what, NodeMaterializerType type)
    {
        var files = new Dictionary<string, (string, string, SourcePosition)>(StringComparer.Ordinal);
        if (!parent.TryGetEntry(key, out var written)) return files;
        if (type != NodeMaterializerType.Template)
        {
            b.Add(written.KeyPosition, $"'{key}' in {what} applies to type template only (a precomputed source holds nodes/<identifier>/ and shared/)");
            return files;
        }
        foreach (var entry in b.Map(written.Value, $"'{key}' of {what}")?.Entries ?? [])
        {
            var path = NodeFilePath.Normalize(entry.Key, out var problem);
            if (path is null)
            {
                b.Add(entry.KeyPosition, $"payload path '{entry.Key}' in '{key}' of {what} {problem}");
                continue;
            }
            if (entry.Value is not ConfigScalar { IsNull: false } scalar)
            {
                b.Add(entry.Value.Position, $"'{entry.Key}' in '{key}' of {what} must name a template file, found {ConfigBinder.Describe(entry.Value)}");
                continue;
            }
            var template = NodeFilePath.Normalize(scalar.Text, out var templateProblem);
            if (template is null)
            {
                b.Add(scalar.Position, $"template path '{scalar.Text}' of '{entry.Key}' in '{key}' of {what} {templateProblem}");
                continue;
            }
            if (!files.TryAdd(path, (entry.Key, template, scalar.Position)))
                b.Add(entry.KeyPosition, $"payload path '{entry.Key}' in '{key}' of {what} is the same as '{files[path].Item1}' once normalised");
        }
        return files;
    }

    private static NodeSourceSettings? BindSource(ConfigBinder b, ConfigMap? map, ConfigMap materializer, string baseDirectory, GitSettings git)
    {
        const string what = "'source' of 'materializer' of 'nodes'";
        if (map is null)
        {
            if (!materializer.TryGetEntry("source", out _)) b.Add(materializer.Position, "'materializer' of 'nodes' needs 'source' (folder: PATH, or repository, commit and path)");
            return null;
        }
        b.OnlyKeys(map, what, SourceKeys);
        var folder = b.String(map, "folder", what);
        var repository = b.String(map, "repository", what);
        if ((folder is null) == (repository is null))
        {
            b.Add(map.Position, $"{what} needs exactly one of 'folder' (a local folder) or 'repository' (with 'commit')");
            return null;
        }
        if (folder is not null)
        {
            foreach (var gitKey in new[] { "commit", "ref", "clone_url", "path" })
                if (map.TryGetEntry(gitKey, out var stray)) b.Add(stray.KeyPosition, $"'{gitKey}' in {what} applies to a 'repository' source, not a 'folder'");
            var full = Path.GetFullPath(folder, baseDirectory);
            if (!Directory.Exists(full))
            {
                b.Add(map["folder"]!.Position, $"'folder' in {what} names '{folder}', which is not a folder (paths are relative to vartrack.yaml)");
                return null;
            }
            return new NodeSourceSettings { Folder = full };
        }

        var commit = b.String(map, "commit", what, required: true);
        if (commit is not null && !CommitShape().IsMatch(commit))
            b.Add(map["commit"]!.Position, $"'commit' in {what} must be a commit id of 7 to 40 hex digits (the commit is pinned so every node reads the same files)");
        var reference = b.String(map, "ref", what);
        if (reference is not null && !reference.StartsWith("refs/", StringComparison.Ordinal))
        {
            if (reference.Length == 0 || reference.Contains(' ')) b.Add(map["ref"]!.Position, $"'ref' in {what} must be a branch name or a full reference such as refs/heads/main");
            else reference = "refs/heads/" + reference;
        }
        var cloneUrl = b.String(map, "clone_url", what);
        if (cloneUrl is null && git.CloneUrl is null)
            b.Add(map["repository"]!.Position, $"{what} needs 'clone_url', or a 'git.clone_url' template, to fetch '{repository}'");
        var pathText = b.String(map, "path", what) ?? "";
        var path = "";
        if (pathText.Trim('/').Length > 0)
        {
            path = NodeFilePath.Normalize(pathText.Trim('/'), out var problem) ?? "";
            if (problem is not null) b.Add(map["path"]!.Position, $"'path' in {what} {problem}");
        }
        return new NodeSourceSettings
        {
            Repository = repository,
            Commit = commit?.ToLowerInvariant(),
            Ref = reference,
            CloneUrl = cloneUrl ?? git.CloneUrl?.Replace("{repository}", repository, StringComparison.Ordinal),
            Path = path,
        };
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableShape();

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex CommitShape();
}
