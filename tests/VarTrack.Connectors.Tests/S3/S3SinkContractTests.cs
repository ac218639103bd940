using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.S3;

/// <summary>The shared sink contract against the real s3rver for one mode, in a bucket of the test class's own.</summary>
public abstract class S3SinkContractTests(S3TestBucket bucket) : SinkContractTests, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _sinks = [];

    protected abstract string Mode { get; }

    protected override string SinkType => "s3";

    protected override async Task<ISink> CreateSinkAsync()
    {
        var sink = await bucket.CreateSinkAsync(Mode);
        lock (_sinks) _sinks.Add(sink);
        return sink;
    }

    protected override string NewDestination() => S3TestBucket.NewDestination(Mode) + (Mode == "object" ? ".json" : "");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var sink in _sinks) await sink.DisposeAsync();
    }
}
