namespace VarTrack.Core.Etl;

public enum SourceRefKind
{
    None,
    Branch,
    Tag,
    PullRequest,
}
