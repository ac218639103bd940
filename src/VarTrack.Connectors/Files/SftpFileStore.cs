using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Files;

/// <summary>
/// Files on an SFTP server, over one SSH connection per sink (opened on first use, reopened when it dropped).
/// The server must present the pinned host key; anything else is refused before authenticating. Operations are
/// serialised on the connection (SSH.NET's SftpClient is not reliably safe for concurrent transfers).
/// A replace creates <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> beside the target, sets mode and owner while it is
/// still empty, uploads the content in one transfer and renames it over the target with posix-rename@openssh.com
/// (an atomic replace on the server).
/// </summary>
internal sealed class SftpFileStore : IFileStore
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    private readonly string _sinkName;
    private readonly string _host;
    private readonly int _port;
    private readonly string _user;
    private readonly AuthenticationMethod[] _authentication;
    private readonly IDisposable? _key;
    private readonly SshHostKeyPin _hostKey;
    private readonly UnixFileMode? _mode;
    private readonly FileOwner? _owner;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SftpClient? _client;

    public SftpFileStore(string sinkName, string host, int port, string user, string? password, PrivateKeyFile? key, SshHostKeyPin hostKey,
        UnixFileMode? mode, FileOwner? owner)
    {
        _sinkName = sinkName;
        _host = host;
        _port = port;
        _user = user;
        var methods = new List<AuthenticationMethod>();
        if (key is not null) methods.Add(new PrivateKeyAuthenticationMethod(user, key));
        if (password is not null) methods.Add(new PasswordAuthenticationMethod(user, password));
        _authentication = [.. methods];
        _key = key;
        _hostKey = hostKey;
        _mode = mode;
        _owner = owner;
    }

    /// <summary><c>user@host:port</c>, as named in messages.</summary>
    public string Endpoint => $"{_user}@{_host}:{_port}";

    public string Describe(string path) => $"{Endpoint}:{path}";

    public string CheckPath(string destination)
    {
        if (!destination.StartsWith('/') || destination.EndsWith('/'))
            throw new VarTrackException(new Problem($"destination '{destination}' of sink '{_sinkName}' must be an absolute path to a file on {_host} (starting with '/')"));
        return destination;
    }

    public Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken) =>
        RunAsync(path, "read", retryOnDrop: true, cancellationToken, async client =>
        {
            using var buffer = new MemoryStream();
            try
            {
                await client.DownloadFileAsync(path, buffer, cancellationToken);
            }
            catch (SftpPathNotFoundException)
            {
                return null;
            }
            return buffer.ToArray();
        });

    public Task ReplaceAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        RunAsync<object?>(path, "write", retryOnDrop: false, cancellationToken, async client =>
        {
            var slash = path.LastIndexOf('/');
            var directory = slash == 0 ? "/" : path[..slash];
            await RequireDirectoryAsync(client, directory, cancellationToken);
            var mode = _mode ?? await ExistingModeAsync(client, path, cancellationToken);
            var temporary = $"{path[..(slash + 1)]}.{path[(slash + 1)..]}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
            try
            {
                // Created empty, then mode and owner, then the content: it is never readable with looser permissions.
                await using (await client.OpenAsync(temporary, FileMode.CreateNew, FileAccess.Write, cancellationToken)) { }
                if (mode is not null || _owner is not null)
                {
                    var attributes = await client.GetAttributesAsync(temporary, cancellationToken);
                    if (mode is { } m) attributes.SetPermissions(short.Parse(Convert.ToString((int)m & 0xFFF, 8), CultureInfo.InvariantCulture));
                    if (_owner is { UserId: { } uid })
                    {
                        attributes.UserId = unchecked((int)uid);
                        if (_owner.GroupId is { } gid) attributes.GroupId = unchecked((int)gid);
                    }
                    client.SetAttributes(temporary, attributes);
                }
                using (var input = new MemoryStream(content, writable: false))
                    await client.UploadFileAsync(input, temporary, canOverride: true, uploadProgress: null, cancellationToken);
                try
                {
                    client.RenameFile(temporary, path, isPosix: true);
                }
                catch (Exception ex) when (ex is NotSupportedException || ex is SftpException { StatusCode: StatusCode.OperationUnsupported })
                {
                    // A plain SFTP rename cannot replace an existing file; deleting first would not be atomic.
                    throw new IOException($"cannot write {Describe(path)}: the server does not support posix-rename@openssh.com, which an atomic replace needs");
                }
            }
            catch
            {
                TryDelete(client, temporary);
                throw;
            }
            return null;
        });

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        RunAsync<object?>(path, "delete", retryOnDrop: true, cancellationToken, async client =>
        {
            try
            {
                await client.DeleteFileAsync(path, cancellationToken);
            }
            catch (SftpPathNotFoundException)
            {
                // Already gone.
            }
            return null;
        });

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            Drop();
            foreach (var method in _authentication.OfType<IDisposable>()) method.Dispose();
            _key?.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection; the next operation opens a new one.</summary>
    internal async Task DisconnectAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _client?.Disconnect();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> RunAsync<T>(string path, string action, bool retryOnDrop, CancellationToken cancellationToken, Func<SftpClient, Task<T>> operation)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var client = await ConnectedAsync(cancellationToken);
                try
                {
                    return await operation(client);
                }
                catch (Exception ex) when (ex is SshConnectionException or ObjectDisposedException || (ex is InvalidOperationException && !client.IsConnected))
                {
                    Drop();
                    if (retryOnDrop && attempt == 1) continue;
                    throw new IOException($"cannot {action} {Describe(path)}: the connection dropped ({ex.Message})");
                }
                catch (SftpPermissionDeniedException)
                {
                    throw new IOException($"cannot {action} {Describe(path)}: permission denied");
                }
                catch (SshOperationTimeoutException)
                {
                    Drop();
                    throw new TimeoutException($"cannot {action} {Describe(path)}: no answer within {OperationTimeout.TotalSeconds:0} s");
                }
                catch (SftpPathNotFoundException ex)
                {
                    throw new IOException($"cannot {action} {Describe(path)}: {ex.Message}");
                }
                catch (SshException ex)
                {
                    throw new IOException($"cannot {action} {Describe(path)}: {ex.Message}");
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SftpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } connected) return connected;
        Drop();

        var info = new ConnectionInfo(_host, _port, _user, _authentication) { Timeout = ConnectTimeout };
        foreach (var algorithm in info.HostKeyAlgorithms.Keys.Where(a => !_hostKey.Allows(a)).ToList())
            info.HostKeyAlgorithms.Remove(algorithm);
        var client = new SftpClient(info) { OperationTimeout = OperationTimeout };
        string? refused = null;
        client.HostKeyReceived += (_, e) =>
        {
            e.CanTrust = _hostKey.Matches(e.HostKey);
            if (!e.CanTrust) refused = SshHostKeyPin.FingerprintOf(e.HostKey);
        };
        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            client.Dispose();
            if (ex is OperationCanceledException) throw;
            throw ex switch
            {
                _ when refused is not null => new VarTrackException(new Problem(
                    $"host key of {_host}:{_port} does not match 'host_key' of sink '{_sinkName}': the server offered {refused}, expected {_hostKey.Fingerprint}; refusing to connect")),
                SshAuthenticationException => new VarTrackException(new Problem(
                    $"authentication as {_user}@{_host}:{_port} was refused (check 'user', 'private_key' and 'password' of sink '{_sinkName}')")),
                SocketException socket => new IOException($"cannot connect to {_host}:{_port}: {socket.Message}"),
                SshOperationTimeoutException => new TimeoutException($"cannot connect to {_host}:{_port}: no SSH answer within {ConnectTimeout.TotalSeconds:0} s"),
                SshConnectionException when _hostKey.KeyType is not null && ex.Message.Contains("host key", StringComparison.OrdinalIgnoreCase) => new IOException(
                    $"cannot connect to {_host}:{_port}: the server has no {_hostKey.KeyType} host key, the type pinned by 'host_key' ({ex.Message})"),
                SshException => new IOException($"cannot connect to {_host}:{_port}: {ex.Message}"),
                _ => ex,
            };
        }
        _client = client;
        return client;
    }

    private async Task RequireDirectoryAsync(SftpClient client, string directory, CancellationToken cancellationToken)
    {
        SftpFileAttributes attributes;
        try
        {
            attributes = await client.GetAttributesAsync(directory, cancellationToken);
        }
        catch (SftpPathNotFoundException)
        {
            throw new VarTrackException(new Problem($"directory {Describe(directory)} does not exist (the file sink does not create directories)"));
        }
        if (!attributes.IsDirectory)
            throw new VarTrackException(new Problem($"{Describe(directory)} is not a directory"));
    }

    /// <summary>Without <c>file_mode</c>, a replaced file keeps the mode it had; a new one gets the server's default.</summary>
    private static async Task<UnixFileMode?> ExistingModeAsync(SftpClient client, string path, CancellationToken cancellationToken)
    {
        SftpFileAttributes attributes;
        try
        {
            attributes = await client.GetAttributesAsync(path, cancellationToken);
        }
        catch (SftpPathNotFoundException)
        {
            return null;
        }
        var mode = UnixFileMode.None;
        if (attributes.IsUIDBitSet) mode |= UnixFileMode.SetUser;
        if (attributes.IsGroupIDBitSet) mode |= UnixFileMode.SetGroup;
        if (attributes.IsStickyBitSet) mode |= UnixFileMode.StickyBit;
        if (attributes.OwnerCanRead) mode |= UnixFileMode.UserRead;
        if (attributes.OwnerCanWrite) mode |= UnixFileMode.UserWrite;
        if (attributes.OwnerCanExecute) mode |= UnixFileMode.UserExecute;
        if (attributes.GroupCanRead) mode |= UnixFileMode.GroupRead;
        if (attributes.GroupCanWrite) mode |= UnixFileMode.GroupWrite;
        if (attributes.GroupCanExecute) mode |= UnixFileMode.GroupExecute;
        if (attributes.OthersCanRead) mode |= UnixFileMode.OtherRead;
        if (attributes.OthersCanWrite) mode |= UnixFileMode.OtherWrite;
        if (attributes.OthersCanExecute) mode |= UnixFileMode.OtherExecute;
        return mode;
    }

    private static void TryDelete(SftpClient client, string path)
    {
        try
        {
            if (client.IsConnected) client.DeleteFile(path);
        }
        catch (Exception ex) when (ex is SshException or InvalidOperationException or ObjectDisposedException)
        {
            // Best effort: the original error is the one to report.
        }
    }

    private void Drop()
    {
        var client = _client;
        _client = null;
        if (client is null) return;
        try
        {
            client.Dispose();
        }
        catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A dead connection may fail to close cleanly; it is discarded either way.
        }
    }
}
