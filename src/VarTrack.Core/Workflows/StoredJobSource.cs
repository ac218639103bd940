using System.Collections.Concurrent;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Git;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// Loads files from where a workflow says they are: Git at the commit (through the clone cache) or a destination's
/// applied baseline. Rendered jobs are cached briefly per file and commit, because plan, write and restore of every
/// destination each load the same job; the cache is in memory only (it holds resolved secrets).
/// </summary>
public sealed class StoredJobSource(VarTrackConfig config, ConfigPipeline pipeline, ISecretStore? secrets, IGitSource? git, BaselineStore baselines, TimeProvider time) : ISyncJobSource
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const int CacheLimit = 64;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Loaded, Lazy<Task<LoadedFile>> File)> _cache = new(StringComparer.Ordinal);

    public async Task<LoadedFile> LoadAsync(FileSync file, CancellationToken cancellationToken = default)
    {
        var key = string.Join('\n', file.Source, file.Repository, file.Commit, file.Rule, file.File, file.Environment, file.Deleted,
            file.Source == FileSyncSource.Baseline ? string.Join('\t', file.Destinations.Select(d => d.LockKey)) : "");
        var now = time.GetUtcNow();
        var entry = _cache.AddOrUpdate(key,
            _ => (now, new Lazy<Task<LoadedFile>>(() => LoadUncachedAsync(file, CancellationToken.None))),
            (_, existing) => now - existing.Loaded > CacheLifetime || existing.File.Value.IsFaulted
                ? (now, new Lazy<Task<LoadedFile>>(() => LoadUncachedAsync(file, CancellationToken.None)))
                : existing);
        if (_cache.Count > CacheLimit)
            foreach (var stale in _cache.Where(e => now - e.Value.Loaded > CacheLifetime || e.Value.File.IsValueCreated && e.Value.File.Value.IsFaulted).ToList())
                _cache.TryRemove(stale);
        return await entry.File.Value.WaitAsync(cancellationToken);
    }

    private async Task<LoadedFile> LoadUncachedAsync(FileSync file, CancellationToken cancellationToken)
    {
        var rule = config.Rules.FirstOrDefault(r => r.Name == file.Rule)
                   ?? throw new VarTrackException(new Problem($"rule '{file.Rule}' is no longer in {VarTrackConfig.FileName}") { File = file.File });
        FlatMap references;
        var sensitive = false;
        ICommitHistory? history = null;
        if (file.Source == FileSyncSource.Baseline)
        {
            var destination = file.Destinations.Single();
            var baseline = await baselines.LoadAsync(destination.Sink, destination.Destination, file.Rule, file.File, cancellationToken)
                           ?? throw new VarTrackException(new Problem($"no applied baseline for sink '{destination.Sink}' destination '{destination.Destination}'") { File = file.File, Rule = file.Rule });
            references = new FlatMap(baseline.Values.Select(v => new KeyValuePair<string, FlatValue>(v.Key, FlatValue.From(v.Value))));
            // No Git and no age key here: the baseline's own flag is what keeps an encrypted file's values masked.
            sensitive = baseline.Sensitive;
            if (sensitive) references = SensitiveValues.Mark(references);
        }
        else if (file.Source == FileSyncSource.Git)
        {
            if (git is null || file.Repository is null || file.CloneUrl is null || file.Commit is null)
                throw new InvalidOperationException("a Git file sync needs a Git source, a repository, a clone URL and a commit");
            var remote = new GitRemote(file.Repository, file.CloneUrl);
            history = new GitCommitHistory(git, remote);
            if (file.Deleted) references = new FlatMap();
            else
            {
                var content = await git.ReadFileAsync(remote, file.Commit, file.File, cancellationToken)
                              ?? throw new VarTrackException(new Problem($"'{file.File}' does not exist at commit {file.Commit}") { File = file.File, Rule = file.Rule });
                var request = new RenderRequest(file.File, content, rule, file.Ref is null ? SourceRef.None : SourceRef.Parse(file.Ref))
                {
                    Environment = file.Environment,
                    Repository = file.Repository,
                };
                var transformed = await pipeline.TransformAsync(request, cancellationToken);
                (references, sensitive) = (transformed.Values, transformed.Sensitive);
            }
        }
        else throw new InvalidOperationException($"{file.Source} files are loaded by the caller that rendered them");

        var resolved = await SecretResolver.ResolveAsync(references, secrets, rule.Separator, file.File, rule.Name, cancellationToken);
        var rendered = new RenderedFile(file.File, rule.Name, file.Environment, resolved) { Sensitive = sensitive };
        ReservedKeys.Check(rendered);
        var destinations = file.Destinations.Select(d => new SyncDestination(config.Sinks[d.Sink], d.Destination)).ToList();
        var job = new SyncJob(rule, rendered, destinations) { Commit = file.Commit, CommitTime = file.CommitTime };
        // References are unresolved, so the only secrets among them are an encrypted file's values, which the baseline keeps.
        return new LoadedFile(job, references.ToDictionary(v => v.Key, v => v.Value.Reveal(), StringComparer.Ordinal), history);
    }
}
