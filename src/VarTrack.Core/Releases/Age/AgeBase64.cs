namespace VarTrack.Core.Releases.Age;

/// <summary>
/// The base64 of the age header: standard alphabet, no '=' padding, canonical only (the spec requires decoders to
/// refuse non-canonical encodings, so a file has exactly one valid header text).
/// </summary>
internal static class AgeBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    public static bool IsAlphabet(byte c) =>
        c is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'+' or (byte)'/';

    /// <summary>Decodes ASCII base64 text; on failure <paramref name="error"/> says why.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, out byte[] data, out string error)
    {
        data = [];
        for (var i = 0; i < text.Length; i++)
        {
            if (IsAlphabet(text[i])) continue;
            error = text[i] == (byte)'='
                ? "has '=' padding, which age base64 does not allow"
                : $"has a character outside the base64 alphabet at column {i + 1}";
            return false;
        }
        if (text.Length % 4 == 1)
        {
            error = "has a length that no base64 encoding can have";
            return false;
        }
        var padded = new char[(text.Length + 3) / 4 * 4];
        for (var i = 0; i < padded.Length; i++) padded[i] = i < text.Length ? (char)text[i] : '=';
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(padded, buffer, out var written))
        {
            error = "is not valid base64";
            return false;
        }
        data = buffer[..written];
        // Canonical means the unused low bits of the last character are zero: re-encoding must give the same text.
        var again = Encode(data);
        for (var i = 0; i < text.Length; i++)
        {
            if (again[i] == text[i]) continue;
            error = "is not canonical base64 (unused bits are set)";
            data = [];
            return false;
        }
        error = "";
        return true;
    }
}
