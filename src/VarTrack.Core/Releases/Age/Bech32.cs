namespace VarTrack.Core.Releases.Age;

/// <summary>
/// Bech32 (BIP 173, checksum constant 1) as age uses it: no length limit on the data part, all-lowercase or
/// all-uppercase, checksum computed over the lowercase form. Errors never echo the input (it may be a secret key).
/// </summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        var values = ToFiveBit(data);
        var checksum = Checksum(hrp, values);
        var chars = new char[hrp.Length + 1 + values.Length + checksum.Length];
        hrp.CopyTo(0, chars, 0, hrp.Length);
        chars[hrp.Length] = '1';
        var at = hrp.Length + 1;
        foreach (var v in values) chars[at++] = Charset[v];
        foreach (var v in checksum) chars[at++] = Charset[v];
        return new string(chars);
    }

    /// <summary>Decodes <paramref name="text"/>; on failure <paramref name="error"/> says why (without the text).</summary>
    public static bool TryDecode(string text, out string hrp, out byte[] data, out string error)
    {
        hrp = "";
        data = [];
        bool hasLower = false, hasUpper = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 33 || c > 126)
            {
                error = $"has a character that is not printable ASCII at position {i + 1}";
                return false;
            }
            if (c is >= 'a' and <= 'z') hasLower = true;
            if (c is >= 'A' and <= 'Z') hasUpper = true;
        }
        if (hasLower && hasUpper)
        {
            error = "mixes upper and lower case";
            return false;
        }
        var lower = text.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator < 1)
        {
            error = "has no bech32 separator '1' after the prefix";
            return false;
        }
        if (lower.Length - separator - 1 < 6)
        {
            error = "is too short to hold a bech32 checksum";
            return false;
        }
        hrp = lower[..separator];
        var values = new byte[lower.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var index = Charset.IndexOf(lower[separator + 1 + i]);
            if (index < 0)
            {
                error = $"has a character that is not in the bech32 alphabet at position {separator + 2 + i}";
                return false;
            }
            values[i] = (byte)index;
        }
        if (Polymod(hrp, values) != 1)
        {
            error = "has a bad bech32 checksum (mistyped or truncated)";
            return false;
        }
        if (!TryToEightBit(values.AsSpan(0, values.Length - 6), out data))
        {
            error = "has invalid bech32 padding";
            return false;
        }
        error = "";
        return true;
    }

    private static uint Polymod(string hrp, ReadOnlySpan<byte> values)
    {
        uint chk = 1;
        foreach (var c in hrp) chk = Step(chk, (byte)(c >> 5));
        chk = Step(chk, 0);
        foreach (var c in hrp) chk = Step(chk, (byte)(c & 31));
        foreach (var v in values) chk = Step(chk, v);
        return chk;
    }

    private static uint Step(uint chk, byte value)
    {
        var top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (var i = 0; i < 5; i++)
            if (((top >> i) & 1) != 0) chk ^= Generator[i];
        return chk;
    }

    private static byte[] Checksum(string hrp, ReadOnlySpan<byte> values)
    {
        var extended = new byte[values.Length + 6];
        values.CopyTo(extended);
        var mod = Polymod(hrp, extended) ^ 1;
        var checksum = new byte[6];
        for (var i = 0; i < 6; i++) checksum[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        return checksum;
    }

    private static byte[] ToFiveBit(ReadOnlySpan<byte> data)
    {
        var result = new List<byte>((data.Length * 8 + 4) / 5);
        int acc = 0, bits = 0;
        foreach (var b in data)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                result.Add((byte)((acc >> bits) & 31));
            }
        }
        if (bits > 0) result.Add((byte)((acc << (5 - bits)) & 31));
        return result.ToArray();
    }

    // BIP 173 conversion without padding: leftover bits must be fewer than 5 and all zero.
    private static bool TryToEightBit(ReadOnlySpan<byte> values, out byte[] data)
    {
        var result = new List<byte>(values.Length * 5 / 8);
        int acc = 0, bits = 0;
        foreach (var v in values)
        {
            acc = ((acc << 5) | v) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result.Add((byte)((acc >> bits) & 0xff));
            }
        }
        data = result.ToArray();
        return bits < 5 && (acc & ((1 << bits) - 1)) == 0;
    }
}
