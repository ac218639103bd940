using LibGit2Sharp;

namespace VarTrack.Connectors.Git;

/// <summary>
/// Git over SSH for libgit2, whose bundled build has no SSH: a managed subtransport for the <c>ssh</c> scheme (and
/// scp-like <c>user@host:path</c> URLs, which libgit2 routes to the same scheme) running <c>git-upload-pack</c> over
/// SSH.NET. SSH is stateful: the reference list and the pack negotiation share one command stream. Fetch only.
/// </summary>
internal sealed class SshSmartSubtransport : SmartSubtransport
{
    private static readonly Lazy<SmartSubtransportRegistration<SshSmartSubtransport>> Registration =
        new(() => GlobalSettings.RegisterSmartSubtransport<SshSmartSubtransport>("ssh"), LazyThreadSafetyMode.ExecutionAndPublication);

    private SshSubtransportStream? _stream;

    /// <summary>Registers the transport with libgit2 once per process.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    protected override SmartSubtransportStream Action(string url, GitSmartSubtransportAction action)
    {
        switch (action)
        {
            case GitSmartSubtransportAction.UploadPackList:
                _stream?.Dispose();
                var context = SshFetchContext.Current
                    ?? throw new InvalidOperationException("SSH is only available to fetches started by the Git clone cache");
                _stream = SshSubtransportStream.Open(this, url, context);
                return _stream;
            case GitSmartSubtransportAction.UploadPack:
                return _stream ?? throw new InvalidOperationException("git-upload-pack was not started");
            default:
                throw new NotSupportedException("pushing over SSH is not supported");
        }
    }

    protected override void Close()
    {
        _stream?.Dispose();
        _stream = null;
        base.Close();
    }

    protected override void Dispose()
    {
        Close();
        base.Dispose();
    }
}
