using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Files;

/// <summary>The shared sink contract for a local file in one format, each test in its own scratch directory.</summary>
public abstract class LocalFileSinkContract : SinkContractTests, IDisposable
{
    private readonly ScratchDirectory _directory = new();

    protected abstract string Format { get; }

    protected override string SinkType => "file";

    protected override async Task<ISink> CreateSinkAsync() => await FileSinkSetup.LocalAsync(Format);

    protected override string NewDestination() => _directory.File($"{Guid.NewGuid():N}.{Format}");

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
