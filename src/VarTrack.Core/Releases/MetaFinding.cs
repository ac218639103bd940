namespace VarTrack.Core.Releases;

/// <summary>
/// One thing <c>vt meta verify</c> found wrong: the commit that did it, the path, the rule broken (<c>immutable</c>,
/// <c>canonical</c>, <c>schema</c>, <c>path</c>, <c>event-chain</c>, <c>event-order</c>, <c>unknown-release</c>) and why.
/// </summary>
public sealed record MetaFinding(string Commit, string Path, string Rule, string Message)
{
    public override string ToString() => $"{Commit[..Math.Min(12, Commit.Length)]} {Path}: [{Rule}] {Message}";
}
