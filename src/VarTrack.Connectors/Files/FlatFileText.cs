using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Connectors.Files;

/// <summary>What every file rendering shares: reading through the project's parsers, the header line, key order and the checks no format can get around.</summary>
internal static class FlatFileText
{
    /// <summary>Written as a comment at the top of formats that have comments, so people know hand edits do not last.</summary>
    public const string Notice = "Written by VarTrack: hand edits are overwritten by the next sync.";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<KeyValuePair<string, FlatValue>> Sorted(IReadOnlyDictionary<string, FlatValue> values) =>
        values.OrderBy(v => v.Key, StringComparer.Ordinal);

    public static byte[] Encode(StringBuilder text) => Utf8.GetBytes(text.ToString());

    /// <summary>
    /// Refuses what no text file can hold: text that is not valid Unicode (a lone surrogate cannot be written as UTF-8)
    /// and, unless the format escapes it, a NUL character (the config reader refuses files holding NUL as binary).
    /// </summary>
    public static void CheckText(string format, string key, string? value, bool escapesNul)
    {
        if (!IsValidUnicode(key))
            throw Unwritable(format, key, "the key is not valid Unicode (it holds a lone surrogate)");
        if (value is null) return;
        if (!IsValidUnicode(value))
            throw Unwritable(format, key, "the value is not valid Unicode (it holds a lone surrogate)");
        if (!escapesNul && value.Contains('\0'))
            throw Unwritable(format, key, "the value holds a NUL character, which this format cannot escape");
        if (!escapesNul && key.Contains('\0'))
            throw Unwritable(format, key, "the key holds a NUL character, which this format cannot escape");
    }

    public static VarTrackException Unwritable(string format, string key, string reason) =>
        new(new Problem($"key '{Printable(key)}' cannot be written to a {format} file: {reason}"));

    /// <summary>Reads content with the project's own parser for <paramref name="format"/>, then flattens it (hand-nested files read as a config source would).</summary>
    public static Dictionary<string, FlatValue> Read(ReadOnlyMemory<byte> content, string where, ConfigFormat format, string formatName)
    {
        try
        {
            var root = new ConfigFileReader().Read(where, content, format);
            if (root is not ConfigMap map)
                throw new VarTrackException(new Problem($"{where} is not a valid {formatName} file for VarTrack: its top level is not a map of keys"));
            return Flattener.Flatten(map, where).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        }
        catch (VarTrackException ex) when (ex.Problems.Any(p => p.File is not null))
        {
            // The executor reports only messages, so put the file and position into the text.
            throw new VarTrackException(ex.Problems.Select(p => new Problem(
                $"{where} is not a valid {formatName} file{(p.Position.IsKnown ? $" (line {p.Position.Line}, column {p.Position.Column})" : "")}: {p.Message}")).ToList());
        }
    }

    private static bool IsValidUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    /// <summary>A key as shown in a message: control characters escaped so the message stays on one line.</summary>
    private static string Printable(string key)
    {
        if (!key.Any(char.IsControl)) return key;
        var text = new StringBuilder(key.Length + 8);
        foreach (var c in key)
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return text.ToString();
    }
}
