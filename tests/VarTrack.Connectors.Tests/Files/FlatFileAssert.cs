using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Core.Etl;

namespace VarTrack.Connectors.Tests.Files;

/// <summary>Round trips a map through a file rendering and the project's parser for it.</summary>
public static class FlatFileAssert
{
    public static Dictionary<string, FlatValue> Values(IReadOnlyDictionary<string, string?> values) =>
        values.ToDictionary(v => v.Key, v => FlatValue.From(v.Value), StringComparer.Ordinal);

    /// <summary>Renders, parses back and checks every key and value. For formats without null, null reads back as "" (the sink restores null from provenance).</summary>
    public static string RoundTrips(IFlatFileFormat format, IReadOnlyDictionary<string, string?> values)
    {
        var content = format.Render(Values(values));
        var text = Encoding.UTF8.GetString(content);
        var parsed = format.Parse(content, "test." + format.Name);
        var expected = values.ToDictionary(v => v.Key, v => format.HoldsNull ? v.Value : v.Value ?? "", StringComparer.Ordinal);
        var actual = parsed.ToDictionary(v => v.Key, v => v.Value.Reveal(), StringComparer.Ordinal);
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var read), $"key '{key}' missing after a round trip through {format.Name}:\n{text}");
            Assert.True(value == read, $"key '{key}': wrote {Show(value)}, read {Show(read)} through {format.Name}:\n{text}");
        }
        Assert.Equal(expected.Count, actual.Count);
        return text;
    }

    private static string Show(string? value) => value is null ? "null" : "\"" + string.Concat(value.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + "\"";
}
