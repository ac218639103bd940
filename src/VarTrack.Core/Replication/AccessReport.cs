namespace VarTrack.Core.Replication;

/// <summary>What the startup access check found: every check made, and which failed.</summary>
public sealed record AccessReport(IReadOnlyList<AccessCheckItem> Items)
{
    public bool Ok => Items.All(i => i.Ok);

    public IReadOnlyList<AccessCheckItem> Missing => Items.Where(i => !i.Ok).ToList();
}
