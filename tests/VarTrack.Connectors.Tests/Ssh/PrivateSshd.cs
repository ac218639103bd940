using System.Diagnostics;
using System.Net.Sockets;
using VarTrack.Connectors.Tests.Sinks;

namespace VarTrack.Connectors.Tests.Ssh;

/// <summary>
/// An OpenSSH server of the test's own (<c>/usr/sbin/sshd -D</c> on a free loopback port) with the host keys it is
/// given, for host key types the shared test sshd does not have. Only key exchange is used: nobody can log in.
/// </summary>
public sealed class PrivateSshd : IDisposable
{
    private Process _process = null!;

    public PrivateSshd(SshKeyFolder folder, params string[] hostKeyFiles)
    {
        const string sshd = "/usr/sbin/sshd";
        Assert.True(File.Exists(sshd), $"{sshd} is missing; install openssh-server (scripts/services.sh start does)");
        Directory.CreateDirectory("/run/sshd");
        // The free port is picked before sshd binds it; if another process took it meanwhile, sshd exits: try another.
        for (var start = 1; ; start++)
        {
            Port = TestServices.UnusedPort();
            var config = folder.Write($"sshd_config_{Port}", string.Join('\n',
            [
                "ListenAddress 127.0.0.1",
                $"Port {Port}",
                .. hostKeyFiles.Select(k => $"HostKey {k}"),
                "PidFile none",
                "UsePAM no",
                "StrictModes no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "AuthorizedKeysFile none",
                "",
            ]));
            var info = new ProcessStartInfo(sshd) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-D", "-e", "-f", config }) info.ArgumentList.Add(argument);
            _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start sshd");
            var log = _process.StandardError.ReadToEndAsync();
            if (Listening()) return;
            _process.WaitForExit();
            var exit = _process.ExitCode;
            _process.Dispose();
            if (start == 3) Assert.Fail($"sshd exited with {exit}: {log.Result}");
        }
    }

    public int Port { get; private set; }

    /// <summary>Waits (bounded generously) until sshd accepts connections; false when it exited instead.</summary>
    private bool Listening()
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (_process.HasExited) return false;
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        Assert.Fail($"sshd did not listen on 127.0.0.1:{Port} within 60 s");
        return false;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
