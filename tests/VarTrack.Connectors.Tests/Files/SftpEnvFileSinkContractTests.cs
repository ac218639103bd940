using VarTrack.Connectors.Files;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Files;

/// <summary>
/// The shared sink contract for a .env file on the real test sshd (scripts/services.sh). The server runs on this
/// machine, so the remote directory is a scratch directory here.
/// </summary>
public sealed class SftpEnvFileSinkContractTests : SinkContractTests, IAsyncLifetime
{
    private readonly ScratchDirectory _directory = new("vt-sftp-");
    private readonly List<FileSink> _sinks = [];

    protected override string SinkType => "file";

    protected override bool SupportsUnicodeKeys => false;

    protected override async Task<ISink> CreateSinkAsync()
    {
        var sink = await FileSinkSetup.CreateAsync(FileSinkSetup.Sftp("env"));
        _sinks.Add(sink);
        return sink;
    }

    protected override string NewDestination() => _directory.File($"{Guid.NewGuid():N}.env");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var sink in _sinks) await sink.DisposeAsync();
        _directory.Dispose();
    }
}
