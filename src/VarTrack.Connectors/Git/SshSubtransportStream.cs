using System.Net.Sockets;
using LibGit2Sharp;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace VarTrack.Connectors.Git;

/// <summary>
/// One <c>git-upload-pack</c> run over SSH: libgit2 writes the negotiation to its stdin and reads the reference list
/// and the pack from its stdout. A cancelled fetch disconnects, which unblocks a read that waits on a silent server.
/// </summary>
internal sealed class SshSubtransportStream : SmartSubtransportStream, IDisposable
{
    private readonly SshFetchContext _context;
    private readonly SshClient _client;
    private readonly PrivateKeyAuthenticationMethod _authentication;
    private readonly SshCommand _command;
    private readonly Task _execution;
    private readonly Stream _input;
    private readonly CancellationTokenRegistration _cancellation;
    private int _disposed;

    private SshSubtransportStream(SmartSubtransport owner, SshFetchContext context, SshClient client, PrivateKeyAuthenticationMethod authentication, SshCommand command)
        : base(owner)
    {
        _context = context;
        _client = client;
        _authentication = authentication;
        _command = command;
        _execution = command.ExecuteAsync(CancellationToken.None);
        _input = command.CreateInputStream();
        _cancellation = context.CancellationToken.Register(Dispose);
    }

    public static SshSubtransportStream Open(SmartSubtransport owner, string url, SshFetchContext context)
    {
        SshEndpoint endpoint;
        try
        {
            endpoint = SshEndpoint.Parse(url);
        }
        catch (FormatException ex)
        {
            throw Fail(context, ex.Message);
        }
        var key = context.Key ?? throw Fail(context, "no 'ssh_key' is configured for this repository in git.credentials");
        var user = endpoint.User ?? context.DefaultUser ?? "git";
        var authentication = new PrivateKeyAuthenticationMethod(user, key);
        var info = new ConnectionInfo(endpoint.Host, endpoint.Port, user, authentication) { Timeout = context.ConnectTimeout };
        var policy = context.HostKeys;
        policy.Prepare(info, endpoint.Host, endpoint.Port);
        var client = new SshClient(info);
        string? refused = null;
        client.HostKeyReceived += (_, e) =>
        {
            refused = policy.Refusal(endpoint.Host, endpoint.Port, e.HostKey);
            e.CanTrust = refused is null;
        };
        try
        {
            client.Connect();
            return new SshSubtransportStream(owner, context, client, authentication, client.CreateCommand(endpoint.Command("git-upload-pack")));
        }
        catch (Exception ex)
        {
            client.Dispose();
            authentication.Dispose();
            throw Fail(context, ex switch
            {
                _ when refused is not null => refused,
                SshAuthenticationException => $"authentication as {user}@{endpoint} was refused (check 'ssh_key')",
                SocketException socket => $"cannot connect to {endpoint}: {socket.Message}",
                SshOperationTimeoutException => $"cannot connect to {endpoint}: no SSH answer within {context.ConnectTimeout.TotalSeconds:0} s",
                _ when context.CancellationToken.IsCancellationRequested => "cancelled",
                _ => $"cannot connect to {endpoint}: {ex.Message}",
            });
        }
    }

    public override int Read(Stream dataStream, long length, out long bytesRead)
    {
        var buffer = new byte[(int)Math.Min(length, 65536)];
        var read = _command.OutputStream.Read(buffer, 0, buffer.Length);
        if (read == 0 && _context.Failure is null)
        {
            // The server closed stdout: git-upload-pack ended. Its stderr says why when it failed.
            if (_context.CancellationToken.IsCancellationRequested) _context.Failure = "cancelled";
            else if (ServerError() is { } error) _context.Failure = $"the server said: {error}";
        }
        dataStream.Write(buffer, 0, read);
        bytesRead = read;
        return 0;
    }

    public override int Write(Stream dataStream, long length)
    {
        var buffer = new byte[(int)Math.Min(length, 65536)];
        for (var remaining = length; remaining > 0;)
        {
            var read = dataStream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read <= 0) break;
            _input.Write(buffer, 0, read);
            remaining -= read;
        }
        _input.Flush();
        return 0;
    }

    protected override void Free()
    {
        Dispose();
        base.Free();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _cancellation.Dispose();
        try
        {
            _input.Dispose();
            _command.Dispose();
            _client.Dispose();
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // Tearing down a dropped connection.
        }
        _authentication.Dispose();
        _execution.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }

    private string? ServerError()
    {
        try
        {
            if (!_execution.Wait(TimeSpan.FromSeconds(5))) return null;
        }
        catch (AggregateException)
        {
            return null;
        }
        var error = _command.Error.Trim();
        if (error.Length == 0) return _command.ExitStatus is { } status and not 0 ? $"git-upload-pack exited with status {status}" : null;
        return error.Split('\n')[0].Trim();
    }

    private static IOException Fail(SshFetchContext context, string reason)
    {
        context.Failure = reason;
        return new IOException(reason);
    }
}
