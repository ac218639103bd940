using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// The server side of one SCRAM-SHA-256 exchange (RFC 5802 / RFC 7677) as MongoDB runs it over saslStart/saslContinue:
/// client-first <c>n,,n=user,r=cnonce</c> -> server-first <c>r=cnonce+snonce,s=salt,i=iterations</c>; client-final
/// <c>c=biws,r=nonce,p=proof</c> -> the proof is checked against the stored key and the server signature <c>v=...</c>
/// returned. Passwords are used as given (SASLprep is the identity for the ASCII passwords the tests use).
/// Any mismatch throws AuthenticationFailed (code 18), as mongod does.
/// </summary>
internal sealed class FakeScramConversation(IReadOnlyDictionary<string, string> users)
{
    private const int Iterations = 4096;

    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private byte[]? _saltedPassword;

    public string? User { get; private set; }

    public static FakeMongoCommandError Failed() => new(18, "AuthenticationFailed", "Authentication failed.");

    public byte[] Start(byte[] clientFirst)
    {
        var text = Encoding.UTF8.GetString(clientFirst);
        if (!text.StartsWith("n,", StringComparison.Ordinal)) throw Failed(); // no channel binding over this plain socket
        var bare = text[(text.IndexOf(',', 2) + 1)..];
        var fields = Parse(bare);
        if (!fields.TryGetValue('n', out var escapedUser) || !fields.TryGetValue('r', out var clientNonce)) throw Failed();
        var user = escapedUser.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        if (!users.TryGetValue(user, out var password)) throw Failed();

        var salt = RandomNumberGenerator.GetBytes(16);
        User = user;
        _clientFirstBare = bare;
        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        _saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(salt)},i={Iterations}";
        return Encoding.UTF8.GetBytes(_serverFirst);
    }

    public byte[] Finish(byte[] clientFinal)
    {
        if (_saltedPassword is null) throw Failed();
        var text = Encoding.UTF8.GetString(clientFinal);
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0) throw Failed();
        var withoutProof = text[..proofAt];
        var fields = Parse(withoutProof);
        if (!fields.TryGetValue('r', out var nonce) || nonce != _nonce) throw Failed();

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(text[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            throw Failed();
        }
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientKey = HMACSHA256.HashData(_saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        if (proof.Length != clientSignature.Length) throw Failed();
        var recoveredKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++) recoveredKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(recoveredKey), storedKey)) throw Failed();

        var serverKey = HMACSHA256.HashData(_saltedPassword, "Server Key"u8);
        return Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(HMACSHA256.HashData(serverKey, authMessage)));
    }

    private static Dictionary<char, string> Parse(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
            if (part.Length >= 2 && part[1] == '=') fields[part[0]] = part[2..];
        return fields;
    }
}
