using System.Text;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// The textual age v1 header: the version line, one or more recipient stanzas (arguments, then a base64 body wrapped
/// at 64 columns and ended by a shorter, possibly empty, line) and the MAC line <c>--- &lt;base64 HMAC&gt;</c>. Parsing is
/// strict (LF only, canonical unpadded base64) so every file has exactly one valid header text.
/// </summary>
internal sealed class AgeHeader
{
    public const string VersionPrefix = "age-encryption.org/";
    public const string VersionLine = "age-encryption.org/v1";
    private const int BodyColumns = 64;
    private const int MacSize = 32;

    private AgeHeader(IReadOnlyList<AgeStanza> stanzas, int macInputLength, byte[] mac, int macLine, int payloadOffset)
    {
        Stanzas = stanzas;
        MacInputLength = macInputLength;
        Mac = mac;
        MacLine = macLine;
        PayloadOffset = payloadOffset;
    }

    public IReadOnlyList<AgeStanza> Stanzas { get; }

    /// <summary>Bytes covered by the MAC: the header up to and including "---" (not the space after it).</summary>
    public int MacInputLength { get; }

    public byte[] Mac { get; }

    public int MacLine { get; }

    /// <summary>Offset of the payload (its 16-byte nonce) right after the MAC line's line feed.</summary>
    public int PayloadOffset { get; }

    public static bool HasVersionPrefix(ReadOnlySpan<byte> file) => file.StartsWith(Encoding.ASCII.GetBytes(VersionPrefix));

    public static AgeHeader Parse(ReadOnlySpan<byte> file)
    {
        if (!HasVersionPrefix(file))
            throw new AgeFormatException($"not an age file: it does not start with '{VersionLine}'", 1, 0);
        var reader = new LineReader(file);
        var version = reader.Next();
        if (version.Text.SequenceEqual(Encoding.ASCII.GetBytes(VersionLine + "\r")))
            throw new AgeFormatException("age header line 1: carriage return after the version line (age headers use LF line endings only)", 1, VersionLine.Length);
        if (!version.Text.SequenceEqual(Encoding.ASCII.GetBytes(VersionLine)))
        {
            var name = version.Text[VersionPrefix.Length..];
            var shown = name.Length <= 40 && name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) < 0 ? $" '{Encoding.ASCII.GetString(name)}'" : "";
            throw new AgeFormatException($"age header line 1: unsupported format version{shown}; only v1 is supported", 1, 0);
        }
        var stanzas = new List<AgeStanza>();
        while (true)
        {
            var line = reader.Next();
            if (line.Text.StartsWith("---"u8))
                return ParseMacLine(line, stanzas, reader.Position);
            if (line.Text.StartsWith("->"u8))
                stanzas.Add(ParseStanza(line, ref reader));
            else
                throw Problem(line, 0, "expected a recipient stanza ('-> ...') or the header MAC line ('--- ...')");
        }
    }

    /// <summary>Writes the header for <paramref name="stanzas"/> with its MAC under the file key.</summary>
    public static byte[] Write(IReadOnlyList<AgeStanza> stanzas, ReadOnlySpan<byte> fileKey)
    {
        var text = new StringBuilder(VersionLine).Append('\n');
        foreach (var stanza in stanzas)
        {
            text.Append("-> ").AppendJoin(' ', stanza.Arguments).Append('\n');
            var body = AgeBase64.Encode(stanza.Body);
            // Full 64-column lines, then always a shorter final line: empty when the body fills its last line.
            for (var at = 0; ; at += BodyColumns)
            {
                var take = Math.Min(BodyColumns, body.Length - at);
                text.Append(body, at, take).Append('\n');
                if (take < BodyColumns) break;
            }
        }
        text.Append("---");
        var macKey = AgeCrypto.Hkdf(fileKey, [], "header");
        var mac = AgeCrypto.HmacSha256(macKey, Encoding.ASCII.GetBytes(text.ToString()));
        text.Append(' ').Append(AgeBase64.Encode(mac)).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static AgeHeader ParseMacLine(Line line, List<AgeStanza> stanzas, int payloadOffset)
    {
        if (stanzas.Count == 0)
            throw Problem(line, 0, "the header has no recipient stanza before the MAC line");
        if (!line.Text.StartsWith("--- "u8))
            throw Problem(line, 3, "the MAC line must be '--- ' followed by the base64 header MAC");
        var macText = line.Text[4..];
        CheckCharacters(line, 4, macText, "header MAC");
        if (!AgeBase64.TryDecode(macText, out var mac, out var error))
            throw Problem(line, 4, $"header MAC {error}");
        if (mac.Length != MacSize)
            throw Problem(line, 4, $"header MAC is {mac.Length} bytes, expected {MacSize}");
        return new AgeHeader(stanzas, line.Offset + 3, mac, line.Number, payloadOffset);
    }

    private static AgeStanza ParseStanza(Line line, ref LineReader reader)
    {
        if (!line.Text.StartsWith("-> "u8))
            throw Problem(line, 2, "a recipient stanza line must start with '-> ' followed by its arguments");
        var rest = line.Text[3..];
        if (rest.IsEmpty)
            throw Problem(line, 3, "the recipient stanza has no arguments");
        var arguments = new List<string>();
        var column = 3;
        foreach (var range in rest.Split((byte)' '))
        {
            var argument = rest[range];
            if (argument.IsEmpty)
                throw Problem(line, column + range.Start.Value, "the recipient stanza has an empty argument (a leading, trailing or double space)");
            var bad = argument.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e);
            if (bad >= 0)
                throw Problem(line, column + range.Start.Value + bad, argument[bad] == (byte)'\r'
                    ? "carriage return in a stanza line (age headers use LF line endings only)"
                    : "a stanza argument contains a character that is not printable ASCII");
            arguments.Add(Encoding.ASCII.GetString(argument));
        }
        var body = new List<byte>();
        while (true)
        {
            var bodyLine = reader.Next();
            if (bodyLine.Text.StartsWith("->"u8) || bodyLine.Text.StartsWith("---"u8))
                throw Problem(bodyLine, 0, $"the stanza starting at header line {line.Number} has no final body line shorter than {BodyColumns} characters");
            CheckCharacters(bodyLine, 0, bodyLine.Text, "stanza body line");
            if (bodyLine.Text.Length > BodyColumns)
                throw Problem(bodyLine, BodyColumns, $"stanza body line is {bodyLine.Text.Length} characters, longer than {BodyColumns}");
            body.AddRange(bodyLine.Text);
            if (bodyLine.Text.Length < BodyColumns) break;
        }
        if (!AgeBase64.TryDecode(body.ToArray(), out var decoded, out var error))
            throw Problem(line, 0, $"the stanza body {error}");
        return new AgeStanza(arguments, decoded, line.Number, line.Offset);
    }

    // The base64 alphabet check with errors that point at the character (a CR from CRLF line endings is the usual one).
    private static void CheckCharacters(Line line, int column, ReadOnlySpan<byte> text, string what)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (AgeBase64.IsAlphabet(text[i])) continue;
            throw Problem(line, column + i, text[i] switch
            {
                (byte)'\r' => $"carriage return in the {what} (age headers use LF line endings only)",
                (byte)'=' => $"{what} has '=' padding, which age base64 does not allow",
                (byte)' ' => $"{what} has a space at column {column + i + 1}",
                _ => $"{what} has a character outside the base64 alphabet at column {column + i + 1}",
            });
        }
    }

    private static AgeFormatException Problem(Line line, int column, string problem) =>
        new($"age header line {line.Number}: {problem}", line.Number, line.Offset + column);

    private readonly ref struct Line(ReadOnlySpan<byte> text, int number, int offset)
    {
        public ReadOnlySpan<byte> Text { get; } = text;
        public int Number { get; } = number;
        public int Offset { get; } = offset;
    }

    private ref struct LineReader(ReadOnlySpan<byte> file)
    {
        private readonly ReadOnlySpan<byte> _file = file;
        private int _number;

        public int Position { get; private set; }

        public Line Next()
        {
            _number++;
            var rest = _file[Position..];
            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
                throw new AgeFormatException(rest.IsEmpty
                    ? $"age header line {_number}: the file ends inside the header (truncated before the MAC line)"
                    : $"age header line {_number}: the line has no line feed (the header is truncated or not an age header)",
                    _number, Position);
            var line = new Line(rest[..end], _number, Position);
            Position += end + 1;
            return line;
        }
    }
}
