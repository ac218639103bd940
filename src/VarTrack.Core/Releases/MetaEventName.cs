using System.Globalization;
using System.Text.RegularExpressions;

namespace VarTrack.Core.Releases;

/// <summary>
/// The file name of a promotion event, <c>&lt;timestamp&gt;-&lt;writer&gt;-&lt;seq&gt;.json</c>, e.g.
/// <c>20261124T101500123Z-ci-7-000004.json</c>. The timestamp (UTC, milliseconds, fixed width) comes first so that the
/// ordinal order of file names is the order of events; the writer keeps two writers' names apart; the sequence is
/// the event's number in its channel (1-based, six digits).
/// </summary>
public sealed partial record MetaEventName(DateTimeOffset Timestamp, string Writer, int Sequence)
{
    public const string TimestampFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    public string FileName => $"{Timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}-{Writer}-{Sequence.ToString("D6", CultureInfo.InvariantCulture)}.json";

    /// <summary>Null when <paramref name="fileName"/> is not of that shape (with a valid writer id and date).</summary>
    public static MetaEventName? TryParse(string fileName)
    {
        var match = Shape().Match(fileName);
        if (!match.Success) return null;
        if (!DateTime.TryParseExact(match.Groups["ts"].Value, TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)) return null;
        var writer = match.Groups["writer"].Value;
        if (MetaNames.ProblemOf("writer id", writer, MetaNames.Writer) is not null) return null;
        var sequence = int.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture);
        return sequence < 1 ? null : new MetaEventName(new DateTimeOffset(time, TimeSpan.Zero), writer, sequence);
    }

    /// <summary>The timestamp truncated to what the file name can hold (milliseconds).</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    [GeneratedRegex(@"\A(?<ts>\d{8}T\d{9}Z)-(?<writer>.+)-(?<seq>\d{6})\.json\z")]
    private static partial Regex Shape();
}
