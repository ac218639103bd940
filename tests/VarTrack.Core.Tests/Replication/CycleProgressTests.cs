using VarTrack.Core.Replication;

namespace VarTrack.Core.Tests.Replication;

/// <summary>
/// In process an abandoned cycle's work can still add errors on another thread while the timer branch ends the cycle:
/// the snapshot must never see the list mid-change, and every error added before it must be in it.
/// </summary>
public sealed class CycleProgressTests
{
    [Fact]
    public async Task Ending_a_cycle_while_other_threads_add_errors_gives_consistent_snapshots()
    {
        var progress = new CycleProgress("destination-eu", "c1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        // A fixed amount of work, not a time span: on a loaded machine the writers may start late, never too little.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                progress.Error($"w{w}-{i}");
                progress.Errors([$"w{w}-{i}a", $"w{w}-{i}b"]);
            }
        })).ToList();

        var snapshots = 0;
        do
        {
            var cycle = progress.End(CycleOutcome.Abandoned);
            Assert.InRange(cycle.Errors.Count, 0, ReplicationActivities.MaxErrors + 1);
            Assert.All(cycle.Errors, e => Assert.NotNull(e));
            snapshots++;
        }
        while (!writers.All(w => w.IsCompleted));
        await Task.WhenAll(writers);

        Assert.True(snapshots > 0);
        var last = progress.Fail(new StepFailure("last"));
        Assert.Equal(ReplicationActivities.MaxErrors + 1, last.Errors.Count);
        Assert.StartsWith("... and ", last.Errors[^1]);
    }
}
