namespace VarTrack.Core.Sync;

/// <summary>The two write phases of a destination: upserts everywhere first, prune only once every upsert succeeded.</summary>
public enum WritePhase
{
    Upsert,
    Prune,
}
