using Renci.SshNet;
using VarTrack.Connectors.Ssh;

namespace VarTrack.Connectors.Git;

/// <summary>
/// What one fetch over SSH needs (key, which host keys to accept, deadline). libgit2 creates the subtransport itself and calls it
/// synchronously on the fetching thread, so the fetch publishes its context in a thread-static slot for the duration.
/// The transport writes the reason of a failure here in plain words, so the caller need not parse libgit2 messages.
/// </summary>
internal sealed class SshFetchContext
{
    [ThreadStatic]
    private static SshFetchContext? t_current;

    public SshFetchContext(string? defaultUser, PrivateKeyFile? key, SshHostKeyPolicy hostKeys, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        DefaultUser = defaultUser;
        Key = key;
        HostKeys = hostKeys;
        ConnectTimeout = connectTimeout;
        CancellationToken = cancellationToken;
    }

    public static SshFetchContext? Current => t_current;

    public string? DefaultUser { get; }

    public PrivateKeyFile? Key { get; }

    public SshHostKeyPolicy HostKeys { get; }

    public TimeSpan ConnectTimeout { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Why the SSH side failed, in one line without secrets; null when it did not.</summary>
    public string? Failure { get; set; }

    /// <summary>Runs <paramref name="fetch"/> with this context visible to the subtransport on the current thread.</summary>
    public void Run(Action fetch)
    {
        var previous = t_current;
        t_current = this;
        try
        {
            fetch();
        }
        finally
        {
            t_current = previous;
        }
    }
}
