using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>10k secrets with 8 workers: a correctness test at the size of the measured target (timings are in the benchmarks).</summary>
public sealed class ReplicationScaleTests
{
    private const int Count = 10_000;

    [Fact]
    public async Task Ten_thousand_secrets_replicate_completely_and_an_unchanged_cycle_reads_no_secret()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  workers: 8\n  fan_out: 2");
        for (var i = 0; i < Count; i++)
            rig.Origin.Seed("secret", $"team{i % 10}/app{i / 10 % 10}/s{i}", new Dictionary<string, string> { ["value"] = $"v{i}", ["i"] = $"{i}" });

        var first = await rig.RunAsync();

        Assert.Equal((CycleOutcome.Published, Count), (first.Origin.Outcome, first.Origin.Paths));
        var eu = Assert.Single(first.Destinations);
        Assert.Equal((CycleOutcome.Published, Count, 0), (eu.Outcome, eu.Copied, eu.Pending));
        Assert.Equal(Count, rig.Destinations["eu"].SecretCount());
        foreach (var i in new[] { 0, 1, 4999, 9999 })
            Assert.Equal($"v{i}", (await rig.ReadAsync("eu", $"secret/team{i % 10}/app{i / 10 % 10}/s{i}"))!["value"]);
        Assert.Equal(Count, (await rig.IndexAsync("destination-eu"))!.PathCount);
        // The workflow history holds counts and bucket hashes, never the 10k paths.
        Assert.True(rig.Steps.History.Sum(h => h.Length) < 200_000, $"history is {rig.Steps.History.Sum(h => h.Length)} characters");

        rig.Origin.ResetCounters();
        rig.Destinations["eu"].ResetCounters();
        var second = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Unchanged, second.Origin.Outcome);
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(second.Destinations).Outcome);
        Assert.Equal(0, rig.Origin.DataReads);
        Assert.Equal(Count, rig.Origin.MetadataReads);
        Assert.Equal(0, rig.Destinations["eu"].DataWrites);
    }
}
