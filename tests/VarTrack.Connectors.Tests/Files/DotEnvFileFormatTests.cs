using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Files;

public sealed class DotEnvFileFormatTests
{
    private readonly DotEnvFileFormat _format = new();

    [Fact]
    public void Nasty_values_read_back_identically_through_the_dotenv_parser() =>
        FlatFileAssert.RoundTrips(_format, NastyValues.AsMap(v => !v.Contains('\0')));

    [Fact]
    public void Random_values_read_back_identically_through_the_dotenv_parser()
    {
        var values = NastyValues.Random(seed: 20260101, count: 3000).Select((v, i) => (Key: $"K{i}", Value: v))
            .ToDictionary(v => v.Key, v => (string?)v.Value, StringComparer.Ordinal);
        FlatFileAssert.RoundTrips(_format, values);
    }

    [Fact]
    public void Layout_is_sorted_key_value_lines_quoted_only_as_needed()
    {
        var text = Encoding.UTF8.GetString(_format.Render(FlatFileAssert.Values(new Dictionary<string, string?>
        {
            ["g.null"] = null,
            ["a.plain"] = "db.internal:5432/x,y@z+1%^~=",
            ["b.space"] = "hello world",
            ["c.dollar"] = "${HOME} #x",
            ["d.newline"] = "line one\nline two\r\n",
            ["e.mixed"] = "it's \"x\" \\ $HOME\ttab",
            ["f.empty"] = "",
            ["h.unicode"] = "héllo 🚀",
            ["i.backslash"] = @"C:\dir",
        })));
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            "a.plain=db.internal:5432/x,y@z+1%^~=\n" +
            "b.space='hello world'\n" +
            "c.dollar='${HOME} #x'\n" +
            "d.newline=\"line one\\nline two\\r\\n\"\n" +
            "e.mixed=\"it's \\\"x\\\" \\\\ $HOME\\ttab\"\n" +
            "f.empty=\n" +
            "g.null=\n" +
            "h.unicode='héllo 🚀'\n" +
            "i.backslash=\"C:\\\\dir\"\n", text);
    }

    [Theory]
    [InlineData("1starts.with.digit")]
    [InlineData("has space")]
    [InlineData("ключ")]
    [InlineData("a/b")]
    [InlineData("-dash")]
    public void A_key_the_dotenv_parser_would_refuse_is_refused_by_name(string key)
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Render(FlatFileAssert.Values(new Dictionary<string, string?> { [key] = "x" })));
        Assert.Contains($"key '{key}' cannot be written to a .env file", ex.Message);
        Assert.Contains("starts with a letter or '_'", ex.Message);
    }

    [Fact]
    public void Keys_are_written_as_they_are()
    {
        var text = FlatFileAssert.RoundTrips(_format, new Dictionary<string, string?> { ["db.host-name_X"] = "x", ["_private"] = "y", ["export"] = "z" });
        Assert.Contains("\ndb.host-name_X=x\n", text);
        Assert.Contains("\nexport=z\n", text);
    }

    [Fact]
    public void A_nul_character_is_refused_naming_the_key_and_never_the_value()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Render(FlatFileAssert.Values(new Dictionary<string, string?> { ["secret"] = "s3cr3t\0tail" })));
        Assert.Equal("key 'secret' cannot be written to a .env file: the value holds a NUL character, which this format cannot escape", ex.Message);
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Render(FlatFileAssert.Values(new Dictionary<string, string?> { ["k"] = "bad\uD800" })));
        Assert.Contains("not valid Unicode", ex.Message);
    }

    [Fact]
    public void A_file_written_by_hand_reads_as_the_dotenv_parser_reads_it()
    {
        var values = _format.Parse(Encoding.UTF8.GetBytes("# comment\nexport A=1\nB = 'two words' # note\nC=\"x\\ny\"\n\nD=\n"), "/etc/app.env");
        Assert.Equal(new Dictionary<string, string?> { ["A"] = "1", ["B"] = "two words", ["C"] = "x\ny", ["D"] = "" },
            values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
    }

    [Fact]
    public void A_broken_file_is_reported_with_its_path_and_position()
    {
        var ex = Assert.Throws<VarTrackException>(() => _format.Parse(Encoding.UTF8.GetBytes("A=1\nB=\"open\n"), "/etc/app.env"));
        Assert.Equal("/etc/app.env is not a valid .env file (line 2, column 3): unterminated double-quoted value of key 'B' (opened at 2:3)", ex.Message);
    }
}
