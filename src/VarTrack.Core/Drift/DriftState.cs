namespace VarTrack.Core.Drift;

public enum DriftState
{
    InSync,
    Drifted,
    /// <summary>Drift was found and the baseline re-applied.</summary>
    Healed,
    HealFailed,
    /// <summary>The destination could not be read; nothing is known about drift.</summary>
    Unreachable,
}
