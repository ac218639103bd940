namespace VarTrack.Core.Config;

/// <summary>Drift watch for a rule's destinations: compare live state with the applied baseline every interval.</summary>
public sealed record DriftSettings(bool Enabled, TimeSpan Interval, bool SelfHeal)
{
    public static readonly DriftSettings Default = new(false, TimeSpan.FromMinutes(1), false);
}
