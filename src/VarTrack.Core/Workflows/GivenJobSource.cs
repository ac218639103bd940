using System.Collections.Concurrent;
using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>Jobs a caller rendered itself (the CLI's local files), handed to the workflow by sync id.</summary>
public sealed class GivenJobSource(ICommitHistory? history = null) : ISyncJobSource
{
    private readonly ConcurrentDictionary<string, SyncJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>Registers a job and returns the file sync that names it.</summary>
    public FileSync Add(SyncJob job)
    {
        var id = $"given-{Guid.NewGuid():N}";
        _jobs[id] = job;
        return new FileSync(id, job.Rule.Name, job.File.File, job.File.Environment,
            job.Destinations.Select(d => new DestinationRef(d.Sink.Name, d.Destination) { Type = d.Sink.Type }).ToList())
        {
            Source = FileSyncSource.Given,
            Commit = job.Commit,
            CommitTime = job.CommitTime,
        };
    }

    public void Remove(FileSync file) => _jobs.TryRemove(file.SyncId, out _);

    public Task<LoadedFile> LoadAsync(FileSync file, CancellationToken cancellationToken = default) =>
        Task.FromResult(new LoadedFile(_jobs.TryGetValue(file.SyncId, out var job) ? job : throw new InvalidOperationException($"no job registered as {file.SyncId}"), null, history));
}
