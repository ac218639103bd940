using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Timers;

/// <summary>
/// Drift check instance ids: one per rule, destination and interval window (the window of the rule's drift interval the tick falls
/// in), so timer ticks inside one window, a past-due tick and several instances of the app all name the same check and
/// start it once. Names may hold any character, so the id carries a hash of rule and destination.
/// </summary>
public static class DriftInstanceIds
{
    public static string For(string rule, DestinationRef destination, TimeSpan interval, DateTimeOffset now)
    {
        var ticks = Math.Max(interval.Ticks, TimeSpan.TicksPerSecond);
        var windowStart = new DateTime(now.UtcTicks - now.UtcTicks % ticks, DateTimeKind.Utc);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{rule}\n{destination.LockKey}")))[..16];
        return $"drift-{hash}-{windowStart.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
    }
}
