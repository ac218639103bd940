using System.Net.Sockets;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>
/// Where the real services started by <c>scripts/services.sh</c> listen. Same variables and defaults as the script.
/// <see cref="Require"/> makes a test fail with a clear message when its service is not running; never a silent skip.
/// </summary>
public static class TestServices
{
    public static string ServicesDirectory => Environment.GetEnvironmentVariable("VT_SERVICES_DIR") ?? Path.Combine(RepositoryRoot(), ".services");

    public static string Redis => Environment.GetEnvironmentVariable("VT_REDIS") ?? $"127.0.0.1:{Port("VT_REDIS_PORT", 16379)}";

    public static string ZooKeeper => Environment.GetEnvironmentVariable("VT_ZOOKEEPER") ?? $"127.0.0.1:{Port("VT_ZOOKEEPER_PORT", 12181)}";

    public static int AzuriteBlobPort => Port("VT_AZURITE_BLOB_PORT", 10000);

    /// <summary>The well-known Azurite development account (public, documented by Microsoft; not a secret).</summary>
    public static string AzureStorage => Environment.GetEnvironmentVariable("VT_AZURE_STORAGE") ??
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{AzuriteBlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{AzuriteBlobPort + 1}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{AzuriteBlobPort + 2}/devstoreaccount1;";

    public static string S3Endpoint => Environment.GetEnvironmentVariable("VT_S3_ENDPOINT") ?? $"http://127.0.0.1:{Port("VT_S3_PORT", 14568)}";

    public static string S3AccessKey => Environment.GetEnvironmentVariable("VT_S3_ACCESS_KEY") ?? "S3RVER";

    public static string S3SecretKey => Environment.GetEnvironmentVariable("VT_S3_SECRET_KEY") ?? "S3RVER";

    /// <summary>user@127.0.0.1:port of the test sshd.</summary>
    public static string Ssh => Environment.GetEnvironmentVariable("VT_SSH") ?? $"{Environment.UserName}@127.0.0.1:{Port("VT_SSH_PORT", 12222)}";

    public static string SshKeyFile => Environment.GetEnvironmentVariable("VT_SSH_KEY") ?? Path.Combine(ServicesDirectory, "ssh", "client_ed25519");

    public static string SshHostKeyFile => Environment.GetEnvironmentVariable("VT_SSH_HOST_KEY") ?? Path.Combine(ServicesDirectory, "ssh", "host_ed25519.pub");

    /// <summary>The Git smart-HTTP server (lighttpd + git http-backend): repositories under <see cref="GitHttpRoot"/> are served at <c>{GitHttp}/git/&lt;path&gt;</c>.</summary>
    public static string GitHttp => Environment.GetEnvironmentVariable("VT_GIT_HTTP") ?? $"http://127.0.0.1:{Port("VT_GIT_HTTP_PORT", 18080)}";

    public static string GitHttpRoot => Environment.GetEnvironmentVariable("VT_GIT_HTTP_ROOT") ?? Path.Combine(ServicesDirectory, "githttp", "repos");

    /// <summary>A loopback port nothing listens on, for "server down" tests.</summary>
    public static int UnusedPort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Fails the test with a clear message unless something accepts connections at host:port.</summary>
    public static void Require(string name, string hostAndPort)
    {
        var uri = hostAndPort.Contains("://", StringComparison.Ordinal) ? new Uri(hostAndPort) : new Uri("tcp://" + hostAndPort[(hostAndPort.IndexOf('@') + 1)..]);
        try
        {
            using var client = new TcpClient();
            // Generous: a service that is down refuses at once on loopback, so the bound only matters on a loaded
            // machine, where a 3 s bound once failed a clean-up against a Redis that was running (CI).
            if (!client.ConnectAsync(uri.Host, uri.Port).Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException();
        }
        catch (Exception ex)
        {
            Assert.Fail($"{name} is not running at {uri.Host}:{uri.Port} ({ex.GetBaseException().Message}); start it with scripts/services.sh start");
        }
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VarTrack.Functions.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
