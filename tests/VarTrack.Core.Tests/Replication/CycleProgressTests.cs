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

    [Fact]
    public async Task A_stop_seen_by_both_the_work_and_the_timer_reports_one_message()
    {
        // In process the host's cancellation reaches the cycle's activity and its timer at once; both branches end
        // the cycle as stopped, in either order or together (the CI run that found this had both messages).
        for (var round = 0; round < 200; round++)
        {
            var progress = new CycleProgress("origin-primary", "c1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
            progress.Error("origin-primary: 1 path skipped");
            using var go = new ManualResetEventSlim();
            var racers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => { go.Wait(); return progress.Stop(); })).ToList();
            go.Set();
            var ends = await Task.WhenAll(racers);

            var last = progress.End(CycleOutcome.Stopped);
            Assert.Equal(["origin-primary: 1 path skipped", "origin-primary: stopped because the host is shutting down; nothing was published"], last.Errors);
            Assert.All(ends, end => Assert.Equal(CycleOutcome.Stopped, end.Outcome));
        }
    }

    [Fact]
    public async Task Running_out_of_time_seen_by_both_the_work_and_the_timer_reports_one_message()
    {
        // The cycle's timer and its activities' deadline fire at the same instant: the work ends the cycle through a
        // timed-out activity while the timer branch abandons it, in either order or together (the timer branch used
        // to add its message unconditionally, so the abandoned cycle could report it twice).
        const string abandoned = "origin-primary: the cycle did not finish within 1 s; abandoned, nothing was published (the last good sync info stands)";
        for (var round = 0; round < 200; round++)
        {
            var progress = new CycleProgress("origin-primary", "c1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1));
            progress.Error("origin-primary: 1 path skipped");
            using var go = new ManualResetEventSlim();
            var work = Task.Run(() => { go.Wait(); return progress.Fail(new StepFailure("metadata read timed out", TimedOut: true)); });
            var timer = Task.Run(() => { go.Wait(); return progress.Abandon(); });
            go.Set();
            var ends = await Task.WhenAll(work, timer);

            Assert.All(ends, end => Assert.Equal(CycleOutcome.Abandoned, end.Outcome));
            Assert.All(ends, end => Assert.Equal(1, end.Errors.Count(e => e == abandoned)));
            Assert.Equal(["origin-primary: 1 path skipped", abandoned], progress.End(CycleOutcome.Abandoned).Errors);
        }
    }
}
