namespace VarTrack.Connectors.Tests.Replication;

/// <summary>The system clock moved forward by <see cref="Shift"/> (timers stay real), to age sync info generations between cycles.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
