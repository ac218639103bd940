using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Files;

/// <summary>
/// Creates the <c>file</c> sink: <c>format</c> (required: env, json, yaml, properties, ini), <c>file_mode</c>,
/// <c>owner</c>, <c>backup</c>, and for a remote file <c>host</c>, <c>port</c> (22), <c>user</c>, <c>private_key</c>
/// and/or <c>password</c>, and <c>host_key</c> (required with <c>host</c>). Nothing connects here: an unreachable
/// server is reported per destination when it is first read.
/// </summary>
public sealed class FileSinkFactory : ISinkFactory
{
    private static readonly string[] RemoteOnly = ["port", "user", "password", "private_key", "host_key"];

    public string Type => "file";

    public Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default)
    {
        var name = settings.Name;
        var formatName = settings.RequiredText("format");
        if (!FlatFileFormats.TryGet(formatName, out var format))
            throw Bad(name, $"'format' must be one of {string.Join(", ", FlatFileFormats.Names)}, not '{formatName}'");
        var mode = settings.Text("file_mode") is { } modeText ? ParseMode(name, modeText) : (UnixFileMode?)null;
        var owner = settings.Text("owner") is { } ownerText ? FileOwner.Parse(ownerText, name) : null;
        var backup = settings.Boolean("backup", false);

        IFileStore store;
        if (settings.Text("host") is not { Length: > 0 } host)
        {
            if (RemoteOnly.FirstOrDefault(s => settings.Text(s) is not null) is { } stray)
                throw Bad(name, $"'{stray}' applies only to a remote file; set 'host' too, or drop '{stray}'");
            store = new LocalFileStore(name, mode, owner, settings.BaseDirectory);
        }
        else
            store = CreateRemote(settings, name, host, mode, owner);
        return Task.FromResult<ISink>(new FileSink(store, format, backup));
    }

    private static SftpFileStore CreateRemote(SinkSettings settings, string name, string host, UnixFileMode? mode, FileOwner? owner)
    {
        var port = settings.Integer("port") ?? 22;
        if (port is < 1 or > 65535) throw Bad(name, $"'port' must be between 1 and 65535, not {port}");
        var user = settings.Text("user") is { Length: > 0 } u ? u : throw Bad(name, "'user' is required with 'host'");
        var hostKey = settings.Text("host_key") is { Length: > 0 } pin
            ? SshHostKeyPin.Parse(pin, name)
            : throw Bad(name, $"'host_key' is required with 'host': pin the server's public key line or its SHA256 fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on {host})");
        var password = settings.Text("password");
        var keyText = settings.Text("private_key");
        if (password is null && keyText is null) throw Bad(name, "a remote file needs 'private_key' or 'password'");
        if (owner is not null && !owner.IsNumeric)
            throw Bad(name, $"over SFTP 'owner' must be numeric ids ('uid' or 'uid:gid'), not '{owner}': SFTP carries no user or group names");
        var key = keyText is null ? null : LoadKey(name, keyText);
        return new SftpFileStore(name, host, port, user, password, key, hostKey, mode, owner);
    }

    /// <summary>Key text (a secret, e.g. <c>@secret(...)</c>) when it starts with <c>-----BEGIN</c>, otherwise the path of a key file.</summary>
    private static PrivateKeyFile LoadKey(string name, string keyText)
    {
        var isText = keyText.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);
        if (!isText && !File.Exists(keyText))
            throw Bad(name, $"'private_key' is neither key text (starting with -----BEGIN) nor an existing key file ('{keyText}' not found)");
        try
        {
            if (!isText) return new PrivateKeyFile(keyText);
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(keyText.Trim() + "\n"));
            return new PrivateKeyFile(stream);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw Bad(name, "'private_key' is protected by a passphrase; give an unencrypted key (keep it as a secret)");
        }
        catch (Exception ex) when (ex is SshException or ArgumentException or FormatException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw Bad(name, $"'private_key' cannot be read as an SSH private key ({(isText ? "key text" : keyText)}: {ex.Message})");
        }
    }

    /// <summary>Octal permissions as chmod takes them: <c>0640</c>, <c>640</c> or <c>0o640</c>.</summary>
    private static UnixFileMode ParseMode(string name, string text)
    {
        var digits = text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (digits.Length is < 3 or > 4 || digits.Any(c => c is < '0' or > '7') || (digits.Length == 4 && digits[0] != '0'))
            throw Bad(name, $"'file_mode' must be octal permissions such as 0640 or 0600 (0000-0777), not '{text}'");
        return (UnixFileMode)Convert.ToInt32(digits, 8);
    }

    private static VarTrackException Bad(string name, string reason) =>
        new(new Problem($"sink '{name}' (type file): {reason}"));
}
