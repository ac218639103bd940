using System.Text;

namespace VarTrack.Core.State;

/// <summary>
/// Builds state-store keys from arbitrary text. A segment keeps <c>[A-Za-z0-9_-]</c> and writes every other byte of its
/// UTF-8 form as <c>.XX</c> (hex), so a segment is safe as a file name and a blob name, never <c>.</c>/<c>..</c>,
/// and two different texts never share a key.
/// </summary>
public static class StateKey
{
    public static string Of(params string[] segments)
    {
        if (segments.Length == 0) throw new ArgumentException("a state key needs at least one segment", nameof(segments));
        return string.Join('/', segments.Select(Escape));
    }

    public static string Escape(string segment)
    {
        var builder = new StringBuilder(segment.Length);
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-') builder.Append(c);
            else builder.Append('.').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.Length == 0 ? ".00" : builder.ToString();
    }

    public static string Unescape(string segment)
    {
        if (segment == ".00") return "";
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '.' && i + 2 < segment.Length)
            {
                bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.Add((byte)segment[i]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>True for a key <see cref="Of"/> could have produced (stores refuse anything else).</summary>
    public static bool IsValid(string key) =>
        key.Length > 0 && key.Split('/').All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && s != "." && s != "..");
}
