namespace VarTrack.Connectors.Tests.Ssh;

/// <summary>Real public keys of every host key type VarTrack checks, made once per test class (RSA is slow to generate).</summary>
public sealed class SshTestKeys : IDisposable
{
    public SshTestKeys()
    {
        Ed25519 = Folder.NewKey("ed25519").Line;
        OtherEd25519 = Folder.NewKey("ed25519").Line;
        Ecdsa256 = Folder.NewKey("ecdsa", 256).Line;
        Ecdsa384 = Folder.NewKey("ecdsa", 384).Line;
        Ecdsa521 = Folder.NewKey("ecdsa", 521).Line;
        Rsa = Folder.NewKey("rsa", 2048).Line;
    }

    public SshKeyFolder Folder { get; } = new();

    public string Ed25519 { get; }

    public string OtherEd25519 { get; }

    public string Ecdsa256 { get; }

    public string Ecdsa384 { get; }

    public string Ecdsa521 { get; }

    public string Rsa { get; }

    public void Dispose() => Folder.Dispose();
}
