using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Files;

public sealed class PropertiesFileFormatTests
{
    private readonly PropertiesFileFormat _format = new();

    [Fact]
    public void Nasty_values_read_back_identically_through_the_properties_parser() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.AsMap().Append(new("nul", "a\0b")).ToDictionary());

    [Fact]
    public void Random_values_read_back_identically() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.Random(13, 2000).Select((v, i) => (i, v)).ToDictionary(p => $"k{p.i}", p => (string?)p.v));

    [Fact]
    public void Nasty_keys_read_back_identically() =>
        FlatFileAssert.RoundTrips(_format, new Dictionary<string, string?>
        {
            ["ключ.名前"] = "1", ["with space"] = "2", ["a=b"] = "3", ["a:b"] = "4", ["#hash"] = "5", ["!bang"] = "6", ["back\\slash"] = "7",
            ["new\nline"] = "8", [" lead"] = "9", ["trail "] = "10", ["🚀"] = "11", ["tab\tkey"] = "12",
        });

    [Fact]
    public void Layout_escapes_as_java_properties_store_does()
    {
        var text = Encoding.UTF8.GetString(_format.Render(FlatFileAssert.Values(new Dictionary<string, string?>
        {
            ["db.host"] = "x", ["key with space"] = "  lead and trail  ", ["url"] = "jdbc:pg://h/db?a=b#f!", ["optional"] = null,
            ["multi"] = "a\nb\r\tc\\", ["uni"] = "é🚀",
        })));
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            "db.host=x\n" +
            "key\\ with\\ space=\\  lead and trail  \n" +
            "multi=a\\nb\\r\\tc\\\\\n" +
            "optional=\n" +
            "uni=\\u00E9\\uD83D\\uDE80\n" +
            "url=jdbc\\:pg\\://h/db?a\\=b\\#f\\!\n", text);
        Assert.True(Encoding.UTF8.GetBytes(text).All(b => b < 0x80), "the file is plain ASCII");
    }

    [Fact]
    public void A_file_written_by_hand_reads_as_the_properties_parser_reads_it()
    {
        var values = _format.Parse(Encoding.UTF8.GetBytes("! comment\na : 1\nb   two\nc=line \\\n    continued\n"), "/srv/app.properties");
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "two", ["c"] = "line continued" }, values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
    }

    [Fact]
    public void A_broken_escape_is_reported_with_path_and_position()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Parse(Encoding.UTF8.GetBytes("a=1\nb=\\u12\n"), "/srv/app.properties"));
        Assert.StartsWith("/srv/app.properties is not a valid .properties file (line 2, column 3): malformed \\uXXXX escape", ex.Message);
    }
}
