namespace VarTrack.Connectors.Tests.Files;

/// <summary>Values every file rendering must write and read back to the identical text (INI excepts line breaks).</summary>
public static class NastyValues
{
    public static readonly IReadOnlyList<string> All =
    [
        "", "plain", "line one\nline two", "crlf\r\nnext", "lone\rcr", "\n", "\r\n", "ends with newline\n", "\nstarts with newline",
        "it's", "\"double\"", "'single'", "'", "\"", "\\", "back\\slash", "trailing\\", "\\\"", "'\"\\", "\\n is not a newline", "a\\\\nb",
        "#hash", "a #not a comment", "a;b", ";semi", "#", "!bang", "$HOME", "${X}", "$${X}", "$", "`cmd`", "a=b=c", "=", "key: value", ":",
        "  leading", "trailing  ", "  both  ", " ", "\ttab\t", "tab\tinside", "\t",
        "héllo ✓ 日本語 🚀", "\u00A0nbsp\u00A0", "\u0001control", "esc\u001b", "del\u007f", "nel\u0085", "ls\u2028ps\u2029", "\uFEFFbom",
        "null", "~", "true", "on", "0755", "1.50", "1e3", "-", "- item", "{a: 1}", "[1, 2]", "&anchor", "*alias", "%percent", "@at", "!!str x",
        "export X=1", "[section]", "\\u0041", "\\x41", "a\"b'c", "\"'", "quote at end\"", "'quote at start",
    ];

    /// <summary>Values with a line break, which INI cannot hold.</summary>
    public static bool HasLineBreak(string value) => value.Contains('\n') || value.Contains('\r');

    /// <summary>A map of key_000 -> value for every nasty value, plus a null.</summary>
    public static Dictionary<string, string?> AsMap(Func<string, bool>? include = null)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        var i = 0;
        foreach (var value in All)
        {
            if (include is null || include(value)) map[$"key_{i:000}"] = value;
            i++;
        }
        map["null_value"] = null;
        return map;
    }

    /// <summary>Random strings over a pool of troublesome characters (seeded, so a failure repeats).</summary>
    public static IEnumerable<string> Random(int seed, int count, bool lineBreaks = true)
    {
        string[] pool =
        [
            "a", "Z", "0", " ", "  ", "\t", "'", "\"", "\\", "#", "$", "{", "}", "=", ":", ";", "!", "`", "%", "[", "]", "-", "~", "é", "日", "🚀", "\u00A0",
            "\u0001", "\u001b", "\u007f", "\u2028", "\\n", "\\\"", "${X}", "\f", "\v",
            ..(lineBreaks ? new[] { "\n", "\r", "\r\n" } : []),
        ];
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var parts = random.Next(0, 12);
            var text = new System.Text.StringBuilder();
            for (var p = 0; p < parts; p++) text.Append(pool[random.Next(pool.Length)]);
            yield return text.ToString();
        }
    }
}
