namespace VarTrack.Core.Git;

public enum GitChangeKind
{
    Added,
    Modified,
    Deleted,
}
