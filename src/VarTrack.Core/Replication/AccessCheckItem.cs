namespace VarTrack.Core.Replication;

/// <summary>
/// One thing the access check tried: on a target (the sync info store, or a Vault cluster) and a path, the
/// permissions replication needs and those it lacks. <see cref="Error"/> says why a check could not be made.
/// </summary>
public sealed record AccessCheckItem(string Target, string Path, IReadOnlyList<string> Needed, IReadOnlyList<string> Missing)
{
    public string? Error { get; init; }

    public bool Ok => Missing.Count == 0 && Error is null;

    public override string ToString() => Ok
        ? $"ok: {Target}: {Path}: {string.Join(", ", Needed)}"
        : $"missing: {Target}: {Path}: {string.Join(", ", Missing)}" + (Error is null ? "" : $" ({Error})");
}
