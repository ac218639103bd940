using VarTrack.Connectors.Tests.Sinks;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>
/// The lighttpd + git http-backend started by <c>scripts/services.sh</c> (service <c>githttp</c>): anonymous at
/// <c>/git/</c>, basic auth (user <c>vartrack</c>) at <c>/auth/</c>, both serving <see cref="Root"/>. Same variables
/// and defaults as the script. <see cref="Require"/> fails the test with a clear message when it is not running.
/// </summary>
public static class GitTestServer
{
    public static string Url => Environment.GetEnvironmentVariable("VT_GIT_HTTP") ?? $"http://127.0.0.1:{Port}";

    public static string Root => Environment.GetEnvironmentVariable("VT_GIT_HTTP_ROOT") ?? Path.Combine(TestServices.ServicesDirectory, "githttp", "repos");

    public static string PasswordFile => Environment.GetEnvironmentVariable("VT_GIT_HTTP_PASSWORD_FILE") ?? Path.Combine(TestServices.ServicesDirectory, "githttp", "password");

    public const string User = "vartrack";

    public static string Password => File.ReadAllText(PasswordFile).Trim();

    public static void Require()
    {
        TestServices.Require("git http-backend (lighttpd, service githttp)", Url);
        Assert.True(Directory.Exists(Root), $"the githttp repository root {Root} does not exist; start the service with scripts/services.sh start");
    }

    private static int Port => int.TryParse(Environment.GetEnvironmentVariable("VT_GIT_HTTP_PORT"), out var port) ? port : 18080;
}
