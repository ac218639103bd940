using System.Globalization;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>
/// Reads typed values out of a parsed YAML tree and collects every problem (unknown key, wrong type, missing key)
/// with its position instead of stopping at the first, so one run of <c>vt validate</c> shows them all.
/// </summary>
internal sealed class ConfigBinder
{
    private readonly string _file;

    public ConfigBinder(string file) => _file = file;

    public List<Problem> Problems { get; } = [];

    public void Add(SourcePosition position, string message) => Problems.Add(Problem.At(_file, position, message));

    public ConfigMap? Map(ConfigNode? node, string what)
    {
        if (node is null) return null;
        if (node is ConfigMap map) return map;
        if (node is ConfigScalar { IsNull: true }) return null;
        Add(node.Position, $"{what} must be a mapping, found {Describe(node)}");
        return null;
    }

    /// <summary>Reports keys of <paramref name="map"/> that are not in <paramref name="allowed"/>, suggesting the closest one.</summary>
    public void OnlyKeys(ConfigMap map, string what, IReadOnlyCollection<string> allowed)
    {
        foreach (var entry in map.Entries)
            if (!allowed.Contains(entry.Key))
            {
                var suggestion = Closest(entry.Key, allowed);
                Add(entry.KeyPosition, $"unknown key '{entry.Key}' in {what}" + (suggestion is null ? $" (allowed: {string.Join(", ", allowed)})" : $"; did you mean '{suggestion}'?"));
            }
    }

    public string? String(ConfigMap map, string key, string what, bool required = false)
    {
        if (!map.TryGetEntry(key, out var entry) || entry.Value is ConfigScalar { IsNull: true })
        {
            if (required) Add(map.Position, $"{what} needs '{key}'");
            return null;
        }
        if (entry.Value is ConfigScalar scalar) return scalar.Text;
        Add(entry.Value.Position, $"'{key}' in {what} must be a single value, found {Describe(entry.Value)}");
        return null;
    }

    public bool? Bool(ConfigMap map, string key, string what)
    {
        var text = String(map, key, what);
        if (text is null) return null;
        switch (text)
        {
            case "true": return true;
            case "false": return false;
            default:
                Add(map[key]!.Position, $"'{key}' in {what} must be true or false, found '{text}'");
                return null;
        }
    }

    public int? Integer(ConfigMap map, string key, string what)
    {
        var text = String(map, key, what);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        Add(map[key]!.Position, $"'{key}' in {what} must be a whole number, found '{text}'");
        return null;
    }

    public TimeSpan? Duration(ConfigMap map, string key, string what)
    {
        var text = String(map, key, what);
        if (text is null) return null;
        if (DurationText.TryParse(text, out var value) && value > TimeSpan.Zero) return value;
        Add(map[key]!.Position, $"'{key}' in {what} must be a duration such as 30s, 5m or 1h, found '{text}'");
        return null;
    }

    /// <summary>The longest timer period accepted: .NET timers refuse periods above about 49.7 days, and a setting the
    /// loader accepts must never stop a host when its timer starts.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(30);

    /// <summary>A duration a host's timer runs on: at least <paramref name="min"/>, at most <see cref="MaxPeriod"/>.</summary>
    public TimeSpan? Period(ConfigMap map, string key, string what, TimeSpan min)
    {
        if (Duration(map, key, what) is not { } period) return null;
        if (period >= min && period <= MaxPeriod) return period;
        Add(map[key]!.Position, $"'{key}' in {what} must be between {DurationText.Format(min)} and {DurationText.Format(MaxPeriod)}, found '{String(map, key, what)}'");
        return null;
    }

    public string? Choice(ConfigMap map, string key, string what, IReadOnlyCollection<string> choices)
    {
        var text = String(map, key, what);
        if (text is null || choices.Contains(text)) return text;
        Add(map[key]!.Position, $"'{key}' in {what} must be one of {string.Join(", ", choices)}; found '{text}'");
        return null;
    }

    /// <summary>A list of strings; a single string is accepted as a list of one.</summary>
    public IReadOnlyList<(string Text, SourcePosition Position)> StringList(ConfigMap map, string key, string what)
    {
        if (!map.TryGetEntry(key, out var entry)) return [];
        switch (entry.Value)
        {
            case ConfigScalar { IsNull: true }:
                return [];
            case ConfigScalar scalar:
                return [(scalar.Text!, scalar.Position)];
            case ConfigList list:
                var items = new List<(string, SourcePosition)>();
                foreach (var item in list.Items)
                    if (item is ConfigScalar { IsNull: false } s) items.Add((s.Text!, s.Position));
                    else Add(item.Position, $"'{key}' in {what} must list plain values, found {Describe(item)}");
                return items;
            default:
                Add(entry.Value.Position, $"'{key}' in {what} must be a list, found {Describe(entry.Value)}");
                return [];
        }
    }

    public IReadOnlyList<Glob> Globs(ConfigMap map, string key, string what, char separator)
    {
        var globs = new List<Glob>();
        foreach (var (text, position) in StringList(map, key, what))
            if (Glob.TryParse(text, separator, out var glob, out var error)) globs.Add(glob!);
            else Add(position, $"bad glob '{text}' in '{key}' of {what}: {error}");
        return globs;
    }

    public static string Describe(ConfigNode node) => node switch
    {
        ConfigMap => "a mapping",
        ConfigList => "a list",
        ConfigScalar { IsNull: true } => "null",
        ConfigScalar s => $"'{s.Text}'",
        _ => node.GetType().Name,
    };

    private static string? Closest(string key, IReadOnlyCollection<string> allowed)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in allowed)
        {
            var d = Distance(key, candidate);
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) row[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
