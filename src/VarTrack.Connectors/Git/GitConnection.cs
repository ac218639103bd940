using LibGit2Sharp;
using LibGit2Sharp.Handlers;
using VarTrack.Core.Config;

namespace VarTrack.Connectors.Git;

/// <summary>
/// How one fetch authenticates: the credentials callback for HTTPS, or the SSH context; plus the resolved secrets so
/// error messages can be scrubbed of them. Built per fetch, right before connecting, and disposed after it.
/// </summary>
internal sealed class GitConnection : IDisposable
{
    private readonly IDisposable? _key;
    private int _attempts;

    public GitConnection(string? username, string? token, SshFetchContext? ssh, IDisposable? key, IReadOnlyList<string> secrets)
    {
        Ssh = ssh;
        _key = key;
        Secrets = secrets;
        HasCredential = token is not null || key is not null;
        if (token is not null)
        {
            var credentials = new UsernamePasswordCredentials { Username = username ?? "x-access-token", Password = token };
            Credentials = (_, _, _) =>
            {
                // libgit2 asks again after the server refused the answer; a second answer would only repeat the refusal.
                return Interlocked.Increment(ref _attempts) == 1 ? credentials : new RefusedCredentials();
            };
        }
    }

    /// <summary>
    /// An HTTP(S) or local connection: the credential's token when it has one (resolved now, never stored), else the
    /// user and password written in the URL, else none. The clone cache and the meta writer both connect this way.
    /// </summary>
    public static async Task<GitConnection> ForHttpAsync(GitCredential? credential, string url, SettingResolver resolver, string what, CancellationToken cancellationToken)
    {
        if (credential?.Token is { } tokenSetting)
        {
            var token = (await resolver.ResolveAsync(tokenSetting, $"'token' of {what}", cancellationToken)).Reveal();
            return new GitConnection(credential.Username, token, null, null, [token]);
        }
        if (GitUrl.HttpUserInfo(url) is { } written)
            return new GitConnection(written.User, written.Password, null, null, [written.Password]);
        return new GitConnection(null, null, null, null, []);
    }

    public CredentialsHandler? Credentials { get; }

    public SshFetchContext? Ssh { get; }

    public IReadOnlyList<string> Secrets { get; }

    public bool HasCredential { get; }

    /// <summary>True when the server refused the credentials we gave.</summary>
    public bool Refused => Volatile.Read(ref _attempts) > 1;

    public void Dispose() => _key?.Dispose();

    /// <summary>Declines to answer, which ends libgit2's authentication loop with an error.</summary>
    private sealed class RefusedCredentials : LibGit2Sharp.Credentials
    {
        protected override int GitCredentialHandler(out IntPtr cred)
        {
            cred = IntPtr.Zero;
            return -1;
        }
    }
}
