using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>
/// Credentials for the repositories matching <see cref="Repositories"/> (empty: every repository). HTTPS uses
/// <see cref="Token"/> (with <see cref="Username"/>, default <c>x-access-token</c>); SSH URLs use <see cref="SshKey"/>.
/// Values are settings (<c>${ENV}</c> or <c>@secret(...)</c>), resolved only when Git connects, and never logged.
/// </summary>
public sealed record GitCredential(IReadOnlyList<Glob> Repositories)
{
    public string? Username { get; init; }

    public SettingValue? Token { get; init; }

    /// <summary>Private key file (OpenSSH or PEM), relative to vartrack.yaml.</summary>
    public string? SshKey { get; init; }

    public SettingValue? SshPassphrase { get; init; }

    /// <summary>
    /// Pinned server host key (<c>SHA256:...</c> or the public key line); SSH refuses any other host key. <c>any</c>
    /// turns host key checking off. Null: the key must be in known_hosts (<see cref="SshKnownHosts"/> or the defaults).
    /// </summary>
    public string? SshHostKey { get; init; }

    /// <summary>known_hosts file (absolute) to check SSH host keys against; null: <c>~/.ssh/known_hosts</c> and <c>/etc/ssh/ssh_known_hosts</c>.</summary>
    public string? SshKnownHosts { get; init; }
}
