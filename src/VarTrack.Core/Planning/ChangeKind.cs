namespace VarTrack.Core.Planning;

public enum ChangeKind
{
    Add,
    Change,
    Remove,
    /// <summary>Unchanged, but written anyway (strategy upsert_all).</summary>
    Rewrite,
}
