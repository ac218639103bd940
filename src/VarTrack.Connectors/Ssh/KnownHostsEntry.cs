using System.Security.Cryptography;
using System.Text;
using VarTrack.Connectors.Files;

namespace VarTrack.Connectors.Ssh;

/// <summary>
/// One well-formed line of a known_hosts file: the hosts it names (a comma-separated pattern list with <c>*</c>, <c>?</c>
/// and <c>!</c> negation, or one hashed name <c>|1|salt|hmac-sha1</c>) and the full public key.
/// </summary>
internal sealed class KnownHostsEntry
{
    private readonly string[] _patterns;
    private readonly byte[]? _salt;
    private readonly byte[]? _hash;

    private KnownHostsEntry(string path, int line, KnownHostsMarker marker, string[] patterns, byte[]? salt, byte[]? hash, string keyType, byte[] keyBlob)
    {
        Path = path;
        Line = line;
        Marker = marker;
        _patterns = patterns;
        _salt = salt;
        _hash = hash;
        KeyType = keyType;
        KeyBlob = keyBlob;
    }

    public string Path { get; }

    public int Line { get; }

    public KnownHostsMarker Marker { get; }

    public string KeyType { get; }

    public byte[] KeyBlob { get; }

    public bool IsHashed => _hash is not null;

    /// <summary><c>file:line</c>, as messages name the entry.</summary>
    public string Location => $"{Path}:{Line}";

    public string Fingerprint => SshHostKeyPin.FingerprintOf(KeyBlob);

    /// <summary>Parses one line that is neither blank nor a comment; null with <paramref name="problem"/> set when it is malformed.</summary>
    public static KnownHostsEntry? Parse(string path, int line, string text, out string? problem)
    {
        problem = null;
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var marker = KnownHostsMarker.None;
        var first = 0;
        if (fields[0].StartsWith('@'))
        {
            marker = fields[0] switch
            {
                "@revoked" => KnownHostsMarker.Revoked,
                "@cert-authority" => KnownHostsMarker.CertAuthority,
                _ => (KnownHostsMarker)(-1),
            };
            if ((int)marker < 0)
            {
                problem = "unknown marker (known: @revoked, @cert-authority)";
                return null;
            }
            first = 1;
        }
        if (fields.Length - first < 3)
        {
            problem = "expected 'hosts key-type base64-key [comment]'";
            return null;
        }
        var hosts = fields[first];
        var keyType = fields[first + 1];
        if (!TryBase64(fields[first + 2], out var blob) || SshKeyBlob.TypeOf(blob) is not { } blobType)
        {
            problem = "the key is not base64 (an SSH public key)";
            return null;
        }
        if (blobType != keyType)
        {
            problem = "the key type does not match the type inside the key";
            return null;
        }
        if (hosts.StartsWith('|'))
        {
            // |1|base64(salt)|base64(HMAC-SHA1(salt, name)), as ssh-keygen -H and ssh-keyscan -H write it.
            var parts = hosts.Split('|');
            if (parts.Length != 4 || parts[1] != "1" || !TryBase64(parts[2], out var salt) || !TryBase64(parts[3], out var hash) || hash.Length != 20)
            {
                problem = "hashed host name is not '|1|salt|hash' (base64 salt, base64 HMAC-SHA1)";
                return null;
            }
            return new KnownHostsEntry(path, line, marker, [], salt, hash, keyType, blob);
        }
        var patterns = hosts.ToLowerInvariant().Split(',');
        if (patterns.Any(p => p.Length == 0 || p == "!"))
        {
            problem = "empty host name in the host list";
            return null;
        }
        return new KnownHostsEntry(path, line, marker, patterns, null, null, keyType, blob);
    }

    /// <summary>
    /// Whether the line names <paramref name="lookupName"/> (<c>host</c> for port 22, else <c>[host]:port</c>, lowercase):
    /// a hashed name matches its HMAC; a pattern list matches when a pattern does and no negated one does.
    /// </summary>
    public bool Names(string lookupName)
    {
        if (_hash is not null)
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(_salt!, Encoding.UTF8.GetBytes(lookupName)), _hash);
        var named = false;
        foreach (var pattern in _patterns)
        {
            var negated = pattern[0] == '!';
            if (!Wildcard(negated ? pattern.AsSpan(1) : pattern, lookupName)) continue;
            if (negated) return false;
            named = true;
        }
        return named;
    }

    public bool HasKey(byte[] blob) => CryptographicOperations.FixedTimeEquals(blob, KeyBlob);

    /// <summary>OpenSSH's host patterns: <c>*</c> any run of characters, <c>?</c> one character, everything else literal.</summary>
    private static bool Wildcard(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (text.Length == 0 || !Convert.TryFromBase64String(text, bytes, out var written)) return false;
        bytes = bytes[..written];
        return written > 0;
    }
}
