using System.Text;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// ASCII armor: strict PEM (RFC 7468 section 3) with label "AGE ENCRYPTED FILE", padded base64 in 64-column lines.
/// Whitespace is allowed before and after the block and lines may end in LF or CRLF; anything else (headers,
/// garbage, short or long lines, non-canonical base64) is refused, because armor would otherwise make files malleable.
/// </summary>
internal static class AgeArmor
{
    public const string BeginLine = "-----BEGIN AGE ENCRYPTED FILE-----";
    public const string EndLine = "-----END AGE ENCRYPTED FILE-----";
    private const int Columns = 64;

    /// <summary>True when the data (after leading whitespace) starts like a PEM block, so armor rules apply.</summary>
    public static bool LooksArmored(ReadOnlySpan<byte> data) => data[SkipWhitespace(data)..].StartsWith("-----"u8);

    public static bool StartsWithBeginLine(ReadOnlySpan<byte> data) =>
        data[SkipWhitespace(data)..].StartsWith(Encoding.ASCII.GetBytes(BeginLine));

    public static byte[] Encode(ReadOnlySpan<byte> binary)
    {
        var base64 = Convert.ToBase64String(binary);
        var text = new StringBuilder(base64.Length + base64.Length / Columns + 80);
        text.Append(BeginLine).Append('\n');
        for (var at = 0; at < base64.Length; at += Columns)
            text.Append(base64, at, Math.Min(Columns, base64.Length - at)).Append('\n');
        text.Append(EndLine).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    public static byte[] Decode(ReadOnlySpan<byte> data)
    {
        var start = SkipWhitespace(data);
        var end = data.Length;
        while (end > start && IsWhitespace(data[end - 1])) end--;
        var firstLine = 1 + data[..start].Count((byte)'\n');
        var block = data[start..end];
        var begin = Encoding.ASCII.GetBytes(BeginLine);
        if (!block.StartsWith(begin))
            throw Problem(firstLine, start, $"ascii armor must start with '{BeginLine}'");
        var afterBegin = begin.Length;
        if (block[afterBegin..].StartsWith("\r\n"u8)) afterBegin += 2;
        else if (block[afterBegin..].StartsWith("\n"u8)) afterBegin += 1;
        else throw Problem(firstLine, start + afterBegin, "ascii armor begin line must end right after its closing '-----'");
        var endBytes = Encoding.ASCII.GetBytes(EndLine);
        if (!block.EndsWith(endBytes))
            throw Problem(null, start + block.Length, $"ascii armor must end with '{EndLine}' (only whitespace may follow it)");
        var inner = block[afterBegin..^endBytes.Length];
        if (inner.IsEmpty)
            throw Problem(firstLine + 1, start + afterBegin, "ascii armor contains no data");
        if (!inner.EndsWith("\n"u8))
            throw Problem(null, start + block.Length - endBytes.Length, $"ascii armor end line '{EndLine}' must start on its own line");

        var base64 = new StringBuilder(inner.Length);
        var lineNumber = firstLine;
        var lineOffset = start + afterBegin;
        var lines = new List<(int Start, int Length)>();
        for (var at = 0; at < inner.Length;)
        {
            var length = inner[at..].IndexOf((byte)'\n');
            lines.Add((at, length));
            at += length + 1;
        }
        for (var i = 0; i < lines.Count; i++)
        {
            lineNumber++;
            var line = inner.Slice(lines[i].Start, lines[i].Length);
            if (line.EndsWith("\r"u8)) line = line[..^1];
            var offset = lineOffset + lines[i].Start;
            for (var c = 0; c < line.Length; c++)
                if (!AgeBase64.IsAlphabet(line[c]) && line[c] != (byte)'=')
                    throw Problem(lineNumber, offset + c, line[c] is (byte)' ' or (byte)'\t' or (byte)'\r'
                        ? $"whitespace at column {c + 1} inside the ascii armor"
                        : $"character outside the base64 alphabet at column {c + 1} of the ascii armor");
            var isLast = i == lines.Count - 1;
            if (line.Length == 0)
                throw Problem(lineNumber, offset, "empty line inside the ascii armor");
            if (line.Length > Columns || (!isLast && line.Length < Columns))
                throw Problem(lineNumber, offset, $"ascii armor line is {line.Length} characters; every line but the last must be exactly {Columns}, the last at most {Columns}");
            base64.Append(Encoding.ASCII.GetString(line));
        }
        var text = base64.ToString();
        var padding = text.Length - text.TrimEnd('=').Length;
        var firstPad = text.IndexOf('=');
        if (text.Length % 4 != 0 || padding > 2 || (firstPad >= 0 && firstPad < text.Length - padding))
            throw Problem(null, start, "ascii armor base64 is not correctly padded with '=' (truncated, or '=' inside the data)");
        byte[] binary;
        try
        {
            binary = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Problem(null, start, "ascii armor is not valid base64");
        }
        if (Convert.ToBase64String(binary) != text)
            throw Problem(null, start, "ascii armor is not canonical base64 (unused bits are set)");
        return binary;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && IsWhitespace(data[i])) i++;
        return i;
    }

    private static bool IsWhitespace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static AgeFormatException Problem(int? line, int offset, string problem) =>
        new(line is null ? $"{problem} (offset {offset})" : $"{problem} (line {line})", offset: offset);
}
