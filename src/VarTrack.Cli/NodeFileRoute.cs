using VarTrack.Core.NodeConfig;

namespace VarTrack.Cli;

/// <summary>
/// One <c>--route SOURCE=DESTINATION</c> of <c>vt node fetch</c>. Exact: <c>/config.yaml=/etc/app/config.yaml</c>
/// takes the payload file <c>config.yaml</c> (a destination ending in '/' keeps the file name). Prefix:
/// <c>shared/*=/etc/app/shared/</c> takes every payload file under <c>shared/</c>, subfolders included, to the same
/// relative place under the destination folder; <c>*=/srv/app/</c> takes everything. Destinations are inside
/// <c>--root</c> (an absolute destination is read from the root) and may not contain <c>..</c>.
/// </summary>
internal sealed record NodeFileRoute(string Source, bool IsPrefix, string Destination, bool IntoFolder)
{
    public static NodeFileRoute Parse(string text)
    {
        var split = text.IndexOf('=');
        if (split <= 0 || split == text.Length - 1)
            throw new UsageException($"--route '{text}' must be SOURCE=DESTINATION, e.g. /config.yaml=/etc/app/config.yaml or 'shared/*=/etc/app/shared/'");
        var source = text[..split].Trim().TrimStart('/');
        var destinationText = text[(split + 1)..].Trim();
        var isPrefix = source == "*" || source.EndsWith("/*", StringComparison.Ordinal);
        if (isPrefix) source = source == "*" ? "" : source[..^2];
        if (source.Contains('*')) throw new UsageException($"--route '{text}': '*' is only allowed as the last segment of the source ('dir/*')");
        if (source.Length > 0 && NodeFilePath.Normalize(source, out var problem) is null)
            throw new UsageException($"--route '{text}': the source {problem}");
        if (isPrefix && !destinationText.EndsWith('/'))
            throw new UsageException($"--route '{text}': a 'dir/*' source needs a destination folder ending in '/'");
        var destination = destinationText.TrimStart('/');
        if (destination.TrimEnd('/').Length > 0 && NodeFilePath.Normalize(destination.TrimEnd('/'), out var destinationProblem) is null)
            throw new UsageException($"--route '{text}': the destination {destinationProblem}");
        var normal = destination.TrimEnd('/').Length == 0 ? "" : NodeFilePath.Normalize(destination.TrimEnd('/'), out _)!;
        return new NodeFileRoute(source.Length == 0 ? "" : NodeFilePath.Normalize(source, out _)!, isPrefix, normal, destinationText.EndsWith('/'));
    }

    /// <summary>The destination relative to the root for a payload path, or null when this route does not take it.</summary>
    public string? Map(string path)
    {
        if (!IsPrefix)
        {
            if (path != Source) return null;
            return IntoFolder ? Join(path[(path.LastIndexOf('/') + 1)..]) : Destination;
        }
        if (Source.Length == 0) return Join(path);
        return path.StartsWith(Source + "/", StringComparison.Ordinal) ? Join(path[(Source.Length + 1)..]) : null;
    }

    private string Join(string relative) => Destination.Length == 0 ? relative : Destination + "/" + relative;

    /// <summary>The route for a payload path: an exact route first, then the longest prefix.</summary>
    public static (NodeFileRoute? Route, string? Destination) Find(IReadOnlyList<NodeFileRoute> routes, string path)
    {
        foreach (var route in routes.Where(r => !r.IsPrefix))
            if (route.Map(path) is { } exact) return (route, exact);
        foreach (var route in routes.Where(r => r.IsPrefix).OrderByDescending(r => r.Source.Length))
            if (route.Map(path) is { } prefixed) return (route, prefixed);
        return (null, null);
    }
}
