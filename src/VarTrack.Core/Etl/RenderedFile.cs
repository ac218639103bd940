namespace VarTrack.Core.Etl;

/// <summary>The flat map for one file, rule and environment, after every ETL step.</summary>
public sealed record RenderedFile(string File, string Rule, string Environment, FlatMap Values)
{
    /// <summary>Keys still holding @secret(...) references (when secrets were not resolved).</summary>
    public IReadOnlyList<string> UnresolvedSecretKeys { get; init; } = [];
}
