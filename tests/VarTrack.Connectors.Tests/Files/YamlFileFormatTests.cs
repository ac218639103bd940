using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Files;

public sealed class YamlFileFormatTests
{
    private readonly YamlFileFormat _format = new();

    [Fact]
    public void Nasty_values_and_null_read_back_identically_through_the_yaml_parser() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.AsMap().Append(new("nul", "a\0b")).ToDictionary());

    [Fact]
    public void Random_values_read_back_identically() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.Random(11, 2000).Select((v, i) => (i, v)).ToDictionary(p => $"k{p.i}", p => (string?)p.v));

    [Fact]
    public void Nasty_and_very_long_keys_read_back_identically() =>
        FlatFileAssert.RoundTrips(_format, new Dictionary<string, string?>
        {
            ["ключ.名前"] = "1", ["with space"] = "2", ["quote\"key"] = "3", ["back\\slash"] = "4", ["new\nline"] = "5", ["a: b"] = "6", ["- x"] = "7",
            ["? q"] = "8", ["<<"] = "merge key text", ["~"] = "9", [new string('k', 2000)] = "long key", ["#"] = "10",
        });

    [Fact]
    public void Layout_is_a_flat_mapping_of_double_quoted_strings_with_native_null()
    {
        var text = Encoding.UTF8.GetString(_format.Render(FlatFileAssert.Values(new Dictionary<string, string?>
        {
            ["port"] = "0755", ["flag"] = "on", ["db.host"] = "x", ["optional"] = null, ["text"] = "say \"hi\"\n\tbye\\", ["empty"] = "", ["bell"] = "\a\u0001\u2028",
        })));
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            "\"bell\": \"\\a\\x01\\L\"\n" +
            "\"db.host\": \"x\"\n" +
            "\"empty\": \"\"\n" +
            "\"flag\": \"on\"\n" +
            "\"optional\": null\n" +
            "\"port\": \"0755\"\n" +
            "\"text\": \"say \\\"hi\\\"\\n\\tbye\\\\\"\n", text);
    }

    [Fact]
    public void An_empty_map_is_written_as_an_empty_flow_mapping()
    {
        var content = _format.Render(FlatFileAssert.Values(new Dictionary<string, string?>()));
        Assert.EndsWith("\n{}\n", Encoding.UTF8.GetString(content));
        Assert.Empty(_format.Parse(content, "/srv/app.yaml"));
    }

    [Fact]
    public void A_file_nested_by_hand_reads_flattened_with_null_and_text_as_written()
    {
        var values = _format.Parse(Encoding.UTF8.GetBytes("db:\n  host: x\n  port: 0755\nflag: on\nnothing: ~\nitems: [a, b]\n"), "/srv/app.yaml");
        Assert.Equal(new Dictionary<string, string?> { ["db.host"] = "x", ["db.port"] = "0755", ["flag"] = "on", ["nothing"] = null, ["items.0"] = "a", ["items.1"] = "b" },
            values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
    }

    [Fact]
    public void A_scalar_document_is_refused_naming_the_file()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Parse(Encoding.UTF8.GetBytes("just text\n"), "/srv/app.yaml"));
        Assert.Equal("/srv/app.yaml is not a valid .yaml file for VarTrack: its top level is not a map of keys", ex.Message);
    }
}
