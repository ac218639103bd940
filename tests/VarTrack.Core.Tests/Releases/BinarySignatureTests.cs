using System.Security.Cryptography;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

/// <summary>Ed25519 signatures checked both ways against OpenSSL, so a signature made here verifies anywhere.</summary>
public sealed class BinarySignatureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vt-sig-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Statement() => BinarySignature.Statement("shop", "1.4.0", "linux", "amd64", "sha256:" + new string('a', 64), 1234);

    [Fact]
    public void The_statement_binds_project_release_platform_digest_and_size_one_per_line()
    {
        Assert.Equal($"vartrack-binary-v1\nshop\n1.4.0\nlinux-amd64\nsha256:{new string('a', 64)}\n1234\n", System.Text.Encoding.UTF8.GetString(Statement()));
    }

    [Fact]
    public void A_signature_made_here_verifies_with_openssl_and_one_made_by_openssl_verifies_here()
    {
        var (key, pub) = OpenSsl.Ed25519(_folder);
        var statement = Path.Combine(_folder, "statement");
        File.WriteAllBytes(statement, Statement());

        var (signature, keyId) = BinarySignature.Sign(Statement(), File.ReadAllText(key), key);
        File.WriteAllBytes(Path.Combine(_folder, "ours.sig"), Convert.FromBase64String(signature));
        var openssl = OpenSsl.Run(_folder, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", statement, "-sigfile", "ours.sig");
        Assert.True(openssl.ExitCode == 0, openssl.Output);

        Assert.Equal(0, OpenSsl.Run(_folder, "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", statement, "-out", "theirs.sig").ExitCode);
        var publicKey = BinarySignature.PublicKey(File.ReadAllText(pub), pub);
        Assert.True(BinarySignature.Verify(Statement(), Convert.ToBase64String(File.ReadAllBytes(Path.Combine(_folder, "theirs.sig"))), publicKey));

        // The key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key (the end of its DER form).
        Assert.Equal(0, OpenSsl.Run(_folder, "pkey", "-pubin", "-in", pub, "-outform", "DER", "-out", "pub.der").ExitCode);
        var raw = File.ReadAllBytes(Path.Combine(_folder, "pub.der"))[^32..];
        Assert.Equal("ed25519:" + Convert.ToHexStringLower(SHA256.HashData(raw))[..16], keyId);
        Assert.Equal(keyId, BinarySignature.KeyIdOf(publicKey));
    }

    [Fact]
    public void A_signature_does_not_verify_for_another_statement_or_key()
    {
        var (key, pub) = OpenSsl.Ed25519(_folder);
        var (otherKey, otherPub) = OpenSsl.Ed25519(_folder, "other");
        var (signature, _) = BinarySignature.Sign(Statement(), File.ReadAllText(key), key);

        Assert.True(BinarySignature.Verify(Statement(), signature, BinarySignature.PublicKey(File.ReadAllText(pub), pub)));
        Assert.False(BinarySignature.Verify(BinarySignature.Statement("shop", "1.4.1", "linux", "amd64", "sha256:" + new string('a', 64), 1234), signature,
            BinarySignature.PublicKey(File.ReadAllText(pub), pub)));
        Assert.False(BinarySignature.Verify(Statement(), signature, BinarySignature.PublicKey(File.ReadAllText(otherPub), otherPub)));
        Assert.False(BinarySignature.Verify(Statement(), "not base64!", BinarySignature.PublicKey(File.ReadAllText(pub), pub)));
        Assert.NotNull(otherKey);
    }

    [Fact]
    public void Keys_that_are_not_Ed25519_PEM_are_refused_without_showing_them()
    {
        var rsa = Path.Combine(_folder, "rsa.key");
        Assert.Equal(0, OpenSsl.Run(_folder, "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa).ExitCode);
        var text = File.ReadAllText(rsa);

        var notEd = Assert.Throws<VarTrackException>(() => BinarySignature.Sign(Statement(), text, "keys/rsa.key"));
        Assert.Equal("key keys/rsa.key is not an Ed25519 private key; create one with openssl genpkey -algorithm ed25519", notEd.Problems[0].Message);

        var garbled = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";
        var bad = Assert.Throws<VarTrackException>(() => BinarySignature.Sign(Statement(), garbled, "keys/bad.key"));
        Assert.Equal("key keys/bad.key cannot be read as a PEM private key", bad.Problems[0].Message);

        var missing = Assert.Throws<VarTrackException>(() => BinarySignature.PublicKey("hello", "keys/x.pub"));
        Assert.Equal("key keys/x.pub is not a PEM public key ('-----BEGIN PUBLIC KEY-----'); create one with openssl genpkey -algorithm ed25519", missing.Problems[0].Message);
    }
}
