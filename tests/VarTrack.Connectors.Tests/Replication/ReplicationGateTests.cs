using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>When hosts may start a replication run: after the access check passed, and not after a fatal cycle since start.</summary>
public sealed class ReplicationGateTests
{
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_missing_permission_keeps_the_gate_shut_and_is_logged_until_it_is_granted()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        var token = rig.Destinations["eu"].CreateToken(("secret/data/*", ["read"]));
        rig.Environment["EU_TOKEN"] = token;
        var logs = new ListLogger<ReplicationGate>();
        var gate = new ReplicationGate(new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults), rig.Status, _clock, logs);

        Assert.False(await gate.MayRunAsync(CancellationToken.None));
        Assert.Contains(logs.Lines, line => line.Contains("vault replication cannot start: missing: vault destination 'eu'", StringComparison.Ordinal)
                                            && line.Contains("create", StringComparison.Ordinal));

        // An operator widens the token's policy in Vault: the next tick sees it, no restart needed.
        rig.Destinations["eu"].AcceptToken(token);
        Assert.True(await gate.MayRunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_fatal_cycle_since_start_shuts_the_gate_and_one_from_before_a_restart_does_not()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        var logs = new ListLogger<ReplicationGate>();
        var gate = new ReplicationGate(new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults), rig.Status, _clock, logs);
        await rig.Status.RecordAsync(new OwnerCycle("destination-eu", "cycle-before", CycleOutcome.Fatal) { Finished = _clock.GetUtcNow().AddMinutes(-5), Errors = ["old"] });
        Assert.True(await gate.MayRunAsync(CancellationToken.None));

        await rig.Status.RecordAsync(new OwnerCycle("destination-eu", "cycle-now", CycleOutcome.Fatal)
        {
            Finished = _clock.GetUtcNow().AddSeconds(1),
            Errors = ["destination-eu: vault returned 403 for secret/data/x: permission denied"],
        });

        Assert.False(await gate.MayRunAsync(CancellationToken.None));
        Assert.False(await gate.MayRunAsync(CancellationToken.None));
        var stop = Assert.Single(logs.Lines, line => line.Contains("stopped until the host restarts", StringComparison.Ordinal));
        Assert.Contains("cycle-now", stop);
        Assert.Contains("permission denied", stop);
        Assert.True(await new ReplicationGate(new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults), rig.Status, new FixedClock(_clock.GetUtcNow().AddMinutes(1)))
            .MayRunAsync(CancellationToken.None));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
