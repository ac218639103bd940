using System.Net;

namespace VarTrack.Connectors.Vault;

/// <summary>A check-and-set write was refused because the secret's current version is not the one expected.</summary>
public sealed class VaultCasMismatchException : VaultException
{
    public VaultCasMismatchException(string path, int expectedVersion, string message)
        : base(HttpStatusCode.BadRequest, path, message) => ExpectedVersion = expectedVersion;

    /// <summary>The <c>cas</c> value sent: the version the writer believed was current (0 = must not exist yet).</summary>
    public int ExpectedVersion { get; }
}
