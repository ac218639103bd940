using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Files;

public sealed class IniFileFormatTests
{
    private readonly IniFileFormat _format = new();

    // Needs quotes (starts with a quote), holds a single quote and ends in a backslash: no INI quoting holds it.
    private const string Unquotable = "'\"\\";

    [Fact]
    public void Nasty_values_without_line_breaks_read_back_identically_through_the_ini_parser() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.AsMap(v => !NastyValues.HasLineBreak(v) && !v.Contains('\0') && v != Unquotable));

    [Fact]
    public void Random_values_without_line_breaks_read_back_identically()
    {
        var values = NastyValues.Random(17, 3000, lineBreaks: false).Select((v, i) => (i, v)).ToDictionary(p => $"section{p.i % 7}.k{p.i}", p => (string?)p.v);
        foreach (var unquotable in values.Where(v => NeedsQuotes(v.Value!) && v.Value!.Contains('\'') && v.Value.EndsWith('\\')).Select(v => v.Key).ToList())
            values.Remove(unquotable);
        FlatFileAssert.RoundTrips(_format, values);
    }

    [Fact]
    public void Layout_puts_the_part_before_the_first_dot_in_a_section()
    {
        var text = FlatFileAssert.RoundTrips(_format, new Dictionary<string, string?>
        {
            ["name"] = "shop", ["db.host"] = "x", ["db.pool.size"] = "10", ["cache.ttl"] = " 5m ", ["optional"] = null, ["cache.note"] = "a;b",
            ["quoted"] = "\"x\" y", ["both"] = "'\"", ["escaped"] = " \"x\" \\y' ",
        });
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            "both = \"'\\\"\"\n" +
            "escaped = \" \\\"x\\\" \\y' \"\n" +
            "name = shop\n" +
            "optional =\n" +
            "quoted = '\"x\" y'\n" +
            "\n[cache]\n" +
            "note = \"a;b\"\n" +
            "ttl = \" 5m \"\n" +
            "\n[db]\n" +
            "host = x\n" +
            "pool.size = 10\n", text);
    }

    [Fact]
    public void A_dotted_key_whose_first_part_is_also_a_key_stays_at_the_top()
    {
        var text = FlatFileAssert.RoundTrips(_format, new Dictionary<string, string?> { ["db"] = "main", ["db.host"] = "x", ["other.key"] = "y", [".hidden"] = "z" });
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            ".hidden = z\n" +
            "db = main\n" +
            "db.host = x\n" +
            "\n[other]\n" +
            "key = y\n", text);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    public void A_value_with_a_line_break_is_refused_naming_the_key(string value)
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Render(FlatFileAssert.Values(new Dictionary<string, string?> { ["db.password"] = value })));
        Assert.Equal("key 'db.password' cannot be written to a .ini file: an .ini value cannot hold a line break (use the env, json, yaml or properties format)", ex.Message);
    }

    [Fact]
    public void A_value_no_quoting_can_hold_is_refused_naming_the_key()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Render(FlatFileAssert.Values(new Dictionary<string, string?> { ["k"] = Unquotable })));
        Assert.StartsWith("key 'k' cannot be written to a .ini file: the value needs quotes", ex.Message);
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("a:b")]
    [InlineData(";comment")]
    [InlineData("#hash")]
    [InlineData("[x")]
    [InlineData(" lead")]
    [InlineData("trail ")]
    public void A_key_the_ini_parser_cannot_read_back_is_refused_by_name(string key)
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Render(FlatFileAssert.Values(new Dictionary<string, string?> { [key] = "x" })));
        Assert.Contains($"key '{key}' cannot be written to a .ini file", ex.Message);
    }

    [Fact]
    public void A_file_written_by_hand_reads_as_the_ini_parser_reads_it()
    {
        var values = _format.Parse(Encoding.UTF8.GetBytes("; comment\ntop = 1\n[server]\nport: 8080\nname = \"quoted\" ; note\n"), "/srv/app.ini");
        Assert.Equal(new Dictionary<string, string?> { ["top"] = "1", ["server.port"] = "8080", ["server.name"] = "quoted" }, values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
    }

    private static bool NeedsQuotes(string value) =>
        value.Length > 0 && (" \t\f\v".Contains(value[0]) || " \t\f\v".Contains(value[^1]) || value[0] is '"' or '\'' || value.Contains(';') || value.Contains('#'));
}
