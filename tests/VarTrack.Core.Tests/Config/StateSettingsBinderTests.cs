using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.State;

namespace VarTrack.Core.Tests.Config;

/// <summary>The <c>state:</c> section (retention) and <c>git.max_packs</c>: values bound, defaults, and bad settings at their line and column.</summary>
public sealed class StateSettingsBinderTests
{
    private const string File = "vartrack.yaml";

    private static VarTrackConfig Load(string yaml) => VarTrackConfigLoader.Parse(yaml, File, Path.GetTempPath());

    private static List<string> Fails(string yaml)
    {
        var ex = Assert.Throws<VarTrackException>(() => Load(yaml));
        Assert.All(ex.Problems, p => Assert.Equal(File, p.File));
        return ex.Problems.Select(p => $"{p.Position}: {p.Message}").ToList();
    }

    [Fact]
    public void Without_a_state_section_the_defaults_apply()
    {
        var config = Load("version: 1\n");

        Assert.Equal(StateSettings.Default, config.State);
        Assert.Equal((1000, 30, 7, TimeSpan.FromHours(1)), (config.State.KeepSyncs, config.State.KeepSyncDays, config.State.KeepDeliveryDays, config.State.PruneInterval));
        Assert.Equal(20, config.Git.MaxPacks);
    }

    [Fact]
    public void Every_setting_binds_and_zero_turns_a_limit_off()
    {
        var config = Load("""
            state:
              keep_syncs: 250
              keep_sync_days: 0
              keep_delivery_days: 3
              prune_interval: 15m
            git:
              max_packs: 8
            """);

        Assert.Equal(new StateSettings { KeepSyncs = 250, KeepSyncDays = 0, KeepDeliveryDays = 3, PruneInterval = TimeSpan.FromMinutes(15) }, config.State);
        Assert.Equal(8, config.Git.MaxPacks);
    }

    [Fact]
    public void Bad_settings_name_the_key_at_its_position()
    {
        var problems = Fails("""
            state:
              keep_syncs: -5
              keep_sync_days: 40000
              keep_delivery_day: 3
              prune_interval: soon
            git:
              max_packs: 1
            """);

        Assert.Equal(
        [
            "2:15: 'keep_syncs' in 'state' must be a whole number, found '-5'",
            "3:19: 'keep_sync_days' in 'state' must be at most 36500 (use 0 to keep them forever)",
            "4:3: unknown key 'keep_delivery_day' in 'state'; did you mean 'keep_delivery_days'?",
            "5:19: 'prune_interval' in 'state' must be a duration such as 30s, 5m or 1h, found 'soon'",
            "7:14: 'max_packs' in 'git' must be at least 2",
        ], problems);
    }

    [Theory]
    [InlineData("60d")]
    [InlineData("500ms")]
    public void A_timer_period_a_host_could_not_run_is_refused_at_load(string interval)
    {
        // .NET timers refuse periods above ~49.7 days: accepted, 60d would stop the server when its timer started.
        Assert.Equal([$"2:19: 'prune_interval' in 'state' must be between 1s and 30d, found '{interval}'"], Fails($"state:\n  prune_interval: {interval}\n"));
        var replication = Fails($$"""
            replication:
              interval: {{interval}}
              origin: { name: primary, vault: { address: "http://127.0.0.1:1", auth: { method: token, token: t } }, mounts: [secret] }
              destinations: []
            """);
        Assert.Contains($"2:13: 'interval' in 'replication' must be between 1s and 30d, found '{interval}'", replication);
    }

    [Fact]
    public void A_state_section_that_is_not_a_mapping_is_refused()
    {
        Assert.Equal(["1:8: 'state' must be a mapping, found '1000'"], Fails("state: 1000\n"));
    }
}
