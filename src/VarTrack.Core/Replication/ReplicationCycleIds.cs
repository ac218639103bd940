using System.Globalization;

namespace VarTrack.Core.Replication;

/// <summary>Names a replication run after the time it started (<c>cycle-20261123T031500</c>), the same on every host.</summary>
public static class ReplicationCycleIds
{
    public static string For(DateTimeOffset started) => "cycle-" + started.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
}
