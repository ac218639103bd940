namespace VarTrack.Core.Replication;

/// <summary>
/// An activity's cancellation: the host's token (shutdown, passed on as cancellation) linked with the cycle's deadline
/// (the workflow abandons the cycle then, so the activity stops too and reports <see cref="StepFailure.TimedOut"/>).
/// </summary>
internal sealed class CycleDeadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public CycleDeadline(DateTimeOffset deadline, TimeProvider time, CancellationToken host)
    {
        Host = host;
        // A timer cannot be set further than about 24 days ahead; a cycle that long has no deadline worth keeping.
        var left = TimeSpan.FromTicks(Math.Min((deadline - time.GetUtcNow()).Ticks, TimeSpan.FromDays(24).Ticks));
        _timer = left > TimeSpan.Zero ? new CancellationTokenSource(left, time) : new CancellationTokenSource();
        if (left <= TimeSpan.Zero) _timer.Cancel();
        _linked = CancellationTokenSource.CreateLinkedTokenSource(host, _timer.Token);
    }

    public CancellationToken Token => _linked.Token;

    public CancellationToken Host { get; }

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
