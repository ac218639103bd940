namespace VarTrack.Core.Config;

/// <summary>How a rule's desired keys are written into a destination (see README, "Strategies").</summary>
public enum SyncStrategy
{
    /// <summary>Write added and changed keys; prune (when enabled) removes keys this rule/file wrote before.</summary>
    Auto,
    /// <summary>Write every desired key, changed or not (repairs values edited by hand without drift detection).</summary>
    UpsertAll,
    /// <summary>Like <see cref="Auto"/>, but skip everything when the desired content hash equals the one recorded at the last apply.</summary>
    SmartRepair,
    /// <summary>Make the destination exactly equal to the desired map: also remove keys nobody recorded writing (except protected ones).</summary>
    LiveState,
}
