using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Files;

public sealed class JsonFileFormatTests
{
    private readonly JsonFileFormat _format = new();

    [Fact]
    public void Nasty_values_and_null_read_back_identically_through_the_json_parser() => FlatFileAssert.RoundTrips(_format, NastyValues.AsMap());

    [Fact]
    public void Random_values_read_back_identically() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.Random(7, 2000).Select((v, i) => (i, v)).ToDictionary(p => $"k{p.i}", p => (string?)p.v));

    [Fact]
    public void Nasty_keys_read_back_identically() =>
        FlatFileAssert.RoundTrips(_format, new Dictionary<string, string?>
        {
            ["ключ.名前"] = "1", ["with space"] = "2", ["quote\"key"] = "3", ["back\\slash"] = "4", ["new\nline"] = "5", ["a=b:c#d"] = "6", ["🚀"] = "7",
        });

    [Fact]
    public void Layout_is_one_flat_indented_object_sorted_with_native_null()
    {
        var text = Encoding.UTF8.GetString(_format.Render(FlatFileAssert.Values(new Dictionary<string, string?>
        {
            ["db.port"] = "5432", ["db.host"] = "x", ["optional"] = null, ["empty"] = "",
        })));
        Assert.Equal("{\n  \"db.host\": \"x\",\n  \"db.port\": \"5432\",\n  \"empty\": \"\",\n  \"optional\": null\n}\n", text.Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_file_nested_by_hand_reads_flattened_with_numbers_as_written()
    {
        var values = _format.Parse(Encoding.UTF8.GetBytes("{\"db\": {\"host\": \"x\", \"port\": 5432, \"ratio\": 1.50}, \"on\": true, \"list\": [\"a\"], \"n\": null}"), "/srv/app.json");
        Assert.Equal(new Dictionary<string, string?> { ["db.host"] = "x", ["db.port"] = "5432", ["db.ratio"] = "1.50", ["on"] = "true", ["list.0"] = "a", ["n"] = null },
            values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
    }

    [Fact]
    public void A_top_level_that_is_not_an_object_is_refused_naming_the_file()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Parse(Encoding.UTF8.GetBytes("[1, 2]"), "/srv/app.json"));
        Assert.Equal("/srv/app.json is not a valid .json file for VarTrack: its top level is not a map of keys", ex.Message);
    }

    [Fact]
    public void Broken_json_is_reported_with_path_and_position()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Parse(Encoding.UTF8.GetBytes("{\n  \"a\": \"1\",\n}"), "/srv/app.json"));
        Assert.StartsWith("/srv/app.json is not a valid .json file (line 3, column 1):", ex.Message);
    }
}
