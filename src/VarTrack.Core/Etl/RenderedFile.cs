namespace VarTrack.Core.Etl;

/// <summary>The flat map for one file, rule and environment, after every ETL step.</summary>
public sealed record RenderedFile(string File, string Rule, string Environment, FlatMap Values)
{
    /// <summary>Keys still holding @secret(...) references (when secrets were not resolved).</summary>
    public IReadOnlyList<string> UnresolvedSecretKeys { get; init; } = [];

    /// <summary>
    /// The file was age-encrypted (and its rule masks): every value is held as a secret (<see cref="SensitiveValues"/>).
    /// Kept so the applied baseline can record it and a heal, which has no Git and no key, masks them again.
    /// </summary>
    public bool Sensitive { get; init; }
}
