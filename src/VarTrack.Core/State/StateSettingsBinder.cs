using VarTrack.Core.Config;
using VarTrack.Core.Formats;

namespace VarTrack.Core.State;

/// <summary>Binds the optional <c>state:</c> section (retention of VarTrack's own documents); absent: the defaults.</summary>
internal static class StateSettingsBinder
{
    public const string Key = "state";

    /// <summary>About a hundred years: keeps the cut-off time representable.</summary>
    private const int MaxDays = 36500;

    private static readonly string[] Keys = ["keep_syncs", "keep_sync_days", "keep_delivery_days", "prune_interval"];

    public static StateSettings Bind(ConfigBinder b, ConfigMap? map)
    {
        if (map is null) return StateSettings.Default;
        const string what = "'state'";
        b.OnlyKeys(map, what, Keys);
        var settings = StateSettings.Default;
        if (b.Integer(map, "keep_syncs", what) is { } keepSyncs) settings = settings with { KeepSyncs = keepSyncs };
        if (Days(b, map, "keep_sync_days") is { } syncDays) settings = settings with { KeepSyncDays = syncDays };
        if (Days(b, map, "keep_delivery_days") is { } deliveryDays) settings = settings with { KeepDeliveryDays = deliveryDays };
        if (b.Period(map, "prune_interval", what, TimeSpan.FromSeconds(1)) is { } interval) settings = settings with { PruneInterval = interval };
        return settings;
    }

    private static int? Days(ConfigBinder b, ConfigMap map, string key)
    {
        var days = b.Integer(map, key, "'state'");
        if (days is > MaxDays)
        {
            b.Add(map[key]!.Position, $"'{key}' in 'state' must be at most {MaxDays} (use 0 to keep them forever)");
            return null;
        }
        return days;
    }
}
