using Renci.SshNet;
using Renci.SshNet.Common;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Ssh;

namespace VarTrack.Connectors.Tests.Ssh;

/// <summary>
/// Every host key type as SSH.NET receives it from a real OpenSSH server (one of the test's own, with an Ed25519 key
/// and a key of the type under test): known_hosts with only that type makes the client ask for it and accept it, a
/// different key of that type is refused as changed. The verdict is reached during key exchange, before logging in.
/// </summary>
public sealed class SshHostKeyTypesTests(SshTestKeys keys) : IClassFixture<SshTestKeys>
{
    [Theory]
    [InlineData("ecdsa", 256, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256")]
    [InlineData("ecdsa", 384, "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384")]
    [InlineData("ecdsa", 521, "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521")]
    [InlineData("rsa", 2048, "ssh-rsa", "rsa-sha2-512")]
    public void A_key_of_each_type_known_for_the_host_is_negotiated_and_accepted(string keygenType, int bits, string keyType, string algorithm)
    {
        var (line, file) = keys.Folder.NewKey(keygenType, bits);
        var (_, ed25519) = keys.Folder.NewKey("ed25519");
        using var sshd = new PrivateSshd(keys.Folder, ed25519, file);
        var knownHosts = keys.Folder.Write($"known_hosts_{sshd.Port}", $"[127.0.0.1]:{sshd.Port} {SshKeyFolder.KeyPart(line)}\n");

        var (refusal, received) = Connect(SshHostKeyPolicy.Checked(KnownHosts.Load([knownHosts]), "ssh_host_key", knownHosts), sshd.Port);

        Assert.Null(refusal);
        Assert.Equal((algorithm, SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(line))), received);
        Assert.Equal(keyType, SshKeyBlob.TypeOf(SshKeyFolder.Blob(line)));
    }

    [Fact]
    public void Another_key_of_the_known_type_is_refused_as_changed_and_an_unlisted_type_as_unknown()
    {
        var (line, file) = keys.Folder.NewKey("ecdsa", 384);
        using var sshd = new PrivateSshd(keys.Folder, file);
        var changed = keys.Folder.Write($"known_hosts_changed_{sshd.Port}", $"[127.0.0.1]:{sshd.Port} {keys.Ecdsa384}\n");
        var otherType = keys.Folder.Write($"known_hosts_other_{sshd.Port}", $"[127.0.0.1]:{sshd.Port} {keys.Ed25519}\n");

        var (refusedChanged, _) = Connect(SshHostKeyPolicy.Checked(KnownHosts.Load([changed]), "ssh_host_key", changed), sshd.Port);
        var (refusedOther, _) = Connect(SshHostKeyPolicy.Checked(KnownHosts.Load([otherType]), "ssh_host_key", otherType), sshd.Port);

        var offered = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(line));
        Assert.StartsWith($"host key changed for 127.0.0.1:{sshd.Port}: the server offers ecdsa-sha2-nistp384 {offered}, but {changed}:1 has ecdsa-sha2-nistp384 ", refusedChanged);
        Assert.StartsWith($"host key changed for 127.0.0.1:{sshd.Port}: the server offers ecdsa-sha2-nistp384 {offered}, but {otherType}:1 has ssh-ed25519 ", refusedOther);
    }

    /// <summary>Connects with no usable credential: an accepted host key ends in an authentication failure, a refused one in a connection error.</summary>
    private static (string? Refusal, (string Algorithm, string Fingerprint) Received) Connect(SshHostKeyPolicy policy, int port)
    {
        var info = new ConnectionInfo("127.0.0.1", port, "nobody", new NoneAuthenticationMethod("nobody")) { Timeout = TimeSpan.FromSeconds(60) };
        policy.Prepare(info, "127.0.0.1", port);
        using var client = new SshClient(info);
        string? refusal = null;
        (string, string) received = default;
        client.HostKeyReceived += (_, e) =>
        {
            received = (e.HostKeyName, "SHA256:" + e.FingerPrintSHA256);
            refusal = policy.Refusal("127.0.0.1", port, e.HostKey);
            e.CanTrust = refusal is null;
        };
        var error = Assert.ThrowsAny<SshException>(client.Connect);
        Assert.True(refusal is null ? error is SshAuthenticationException : error is SshConnectionException, $"{error.GetType().Name}: {error.Message} (refusal: {refusal})");
        return (refusal, received);
    }
}
