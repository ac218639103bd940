using System.Text.RegularExpressions;

namespace VarTrack.Core.Text;

/// <summary>Durations as people write them in config: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>.</summary>
public static partial class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var m = Shape().Match(text.Trim());
        if (!m.Success || m.Length == 0) return false;
        foreach (Capture part in m.Groups["part"].Captures)
        {
            var unitAt = part.Value.IndexOfAny(['m', 's', 'h', 'd']);
            var amount = long.Parse(part.Value[..unitAt], System.Globalization.CultureInfo.InvariantCulture);
            duration += part.Value[unitAt..] switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }
        return true;
    }

    /// <summary>The shortest form <see cref="TryParse"/> reads back, in the largest whole unit (<c>30d</c>, <c>90s</c>).</summary>
    public static string Format(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerDay == 0 ? $"{duration.Ticks / TimeSpan.TicksPerDay}d"
        : duration.Ticks % TimeSpan.TicksPerHour == 0 ? $"{duration.Ticks / TimeSpan.TicksPerHour}h"
        : duration.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{duration.Ticks / TimeSpan.TicksPerMinute}m"
        : duration.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{duration.Ticks / TimeSpan.TicksPerSecond}s"
        : $"{(long)duration.TotalMilliseconds}ms";

    [GeneratedRegex(@"^(?<part>[0-9]{1,9}(?:ms|s|m|h|d))+$")]
    private static partial Regex Shape();
}
