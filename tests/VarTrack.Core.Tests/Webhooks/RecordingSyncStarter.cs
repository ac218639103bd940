using System.Collections.Concurrent;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Tests.Webhooks;

/// <summary>Records every start call; like the real starters, a sync id already seen is not started again.</summary>
public sealed class RecordingSyncStarter : ISyncStarter
{
    private readonly ConcurrentQueue<SyncRequest> _calls = new();
    private readonly ConcurrentDictionary<string, byte> _started = new(StringComparer.Ordinal);

    /// <summary>Every request passed to <see cref="StartAsync"/>, in call order (including ones already started).</summary>
    public IReadOnlyList<SyncRequest> Calls => _calls.ToList();

    /// <summary>When set, the next call throws it (once).</summary>
    public Exception? FailNext { get; set; }

    public Task<bool> StartAsync(SyncRequest request, CancellationToken cancellationToken = default)
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }
        _calls.Enqueue(request);
        return Task.FromResult(_started.TryAdd(request.SyncId, 0));
    }
}
