using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Errors;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Replication;

/// <summary>
/// The activities of <see cref="ReplicationWorkflow"/>. Each does its I/O itself (Vault, sync info store, state store)
/// and returns counts, hashes, paths and masked messages only: secret values are read and written inside the copy
/// activity and never cross the workflow boundary. Failures come back as <see cref="StepFailure"/> results; only the
/// host's cancellation (shutdown) propagates as an exception. The Functions host binds each public method as one
/// activity function under the constant of the same name.
/// </summary>
public sealed partial class ReplicationActivities
{
    public const string Start = "vault-cycle-start";
    public const string OriginList = "vault-origin-list";
    public const string OriginScan = "vault-origin-scan";
    public const string OriginPublish = "vault-origin-publish";
    public const string DestinationPlan = "vault-destination-plan";
    public const string DestinationCopy = "vault-destination-copy";
    public const string DestinationDelete = "vault-destination-delete";
    public const string DestinationPublish = "vault-destination-publish";
    public const string CycleRecord = "vault-cycle-record";

    /// <summary>Paths whose metadata one scan activity reads (whole buckets are kept together).</summary>
    public const int PathsPerScan = 1000;

    /// <summary>Copies or deletes one chunk activity applies.</summary>
    public const int PathsPerChunk = 500;

    /// <summary>Error lines kept per activity result and per cycle; the rest are counted.</summary>
    public const int MaxErrors = 50;

    private readonly ReplicationSettings _settings;
    private readonly IReplicaVaults _vaults;
    private readonly ISyncInfoStore _store;
    private readonly ReplicationWorkArea _work;
    private readonly ReplicationStatusStore _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ReplicationActivities(ReplicationSettings settings, IReplicaVaults vaults, ISyncInfoStore store, IStateStore state,
        ReplicationStatusStore status, TimeProvider? time = null, ILogger<ReplicationActivities>? logger = null)
    {
        _settings = settings;
        _vaults = vaults;
        _store = store;
        _work = new ReplicationWorkArea(state);
        _status = status;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public ActivityTable AddTo(ActivityTable table) => table
        .Add<ReplicationCycleRequest, ReplicationCycleStart>(Start, StartAsync)
        .Add<OriginListStep, OriginListing>(OriginList, ListOriginAsync)
        .Add<OriginScanStep, OriginScan>(OriginScan, ScanOriginAsync)
        .Add<OriginPublishStep, SyncInfoPublished>(OriginPublish, PublishOriginAsync)
        .Add<ReplicaPlanStep, ReplicaPlan>(DestinationPlan, PlanDestinationAsync)
        .Add<ReplicaChunkStep, ReplicaChunkResult>(DestinationCopy, CopyAsync)
        .Add<ReplicaChunkStep, ReplicaChunkResult>(DestinationDelete, DeleteAsync)
        .Add<ReplicaPublishStep, SyncInfoPublished>(DestinationPublish, PublishDestinationAsync)
        .Add<OwnerCycle, bool>(CycleRecord, RecordAsync, cleanup: true);

    /// <summary>Resolves the owners of a run (all destinations, or the ones asked for) and the cycle settings.</summary>
    public Task<ReplicationCycleStart> StartAsync(ReplicationCycleRequest request, CancellationToken cancellationToken)
    {
        var configured = _settings.Destinations.Select(d => d.Name).ToList();
        var names = request.Destinations?.Distinct(StringComparer.Ordinal).ToList() ?? configured;
        var timeout = request.Timeout > TimeSpan.Zero ? request.Timeout : _settings.Timeout;
        var start = new ReplicationCycleStart(_settings.Origin.Owner, names, timeout, _settings.FanOut);
        var unknown = names.Where(n => !configured.Contains(n)).ToList();
        return Task.FromResult(unknown.Count == 0
            ? start
            : start with
            {
                Destinations = [],
                Failure = new StepFailure($"unknown replication destination {string.Join(", ", unknown.Select(n => $"'{n}'"))} (configured: {string.Join(", ", configured)})", Fatal: true),
            });
    }

    /// <summary>Records the cycle for status and removes its working documents. Runs even while the host stops.</summary>
    public async Task<bool> RecordAsync(OwnerCycle cycle, CancellationToken cancellationToken)
    {
        var level = cycle.EndedWell ? LogLevel.Information : cycle.Completed || cycle.Outcome == CycleOutcome.Stopped ? LogLevel.Warning : LogLevel.Error;
        _logger.Log(level, "vault replication {Owner} cycle {CycleId}: {Outcome}, {Paths} paths, {Changed} changed, {Copied} copied, {Deleted} deleted, {Pending} pending{Errors}",
            cycle.Owner, cycle.CycleId, cycle.Outcome, cycle.Paths, cycle.Changed, cycle.Copied, cycle.Deleted, cycle.Pending,
            cycle.Errors.Count == 0 ? "" : "; " + string.Join("; ", cycle.Errors.Take(5)));
        await _status.RecordAsync(cycle, cancellationToken);
        await _work.ClearAsync(cycle.Owner, cancellationToken);
        return true;
    }

    /// <summary>
    /// Turns an exception inside an activity into its failure result. Host cancellation is not handled (it propagates:
    /// the workflow ends the cycle as stopped); unknown exceptions are not either (the host's activity retry applies).
    /// </summary>
    private static StepFailure? Classify(Exception exception, CycleDeadline deadline, string owner) => exception switch
    {
        OperationCanceledException when deadline.Host.IsCancellationRequested => null,
        OperationCanceledException => new StepFailure($"{owner}: the cycle's deadline passed; abandoned", TimedOut: true),
        ReplicaVaultException vault => new StepFailure($"{owner}: {vault.Message}", Fatal: vault.IsFatal),
        SyncInfoConflictException conflict => new StepFailure(conflict.Message),
        // An outage of the store fails this cycle only; refused access cannot heal by retrying.
        SyncInfoStoreException store => new StepFailure($"{owner}: {store.Message}", Fatal: store.IsAccessDenied),
        // The state store holds the work area, the status and (by default) the sync info: like a sync info store, an
        // outage fails this cycle only, and refused access is fatal.
        StateStoreUnavailableException state => new StepFailure($"{owner}: {state.Message}", Fatal: state.IsAccessDenied),
        InvalidDataException corrupt => new StepFailure($"{owner}: {corrupt.Message}"),
        NotSupportedException newer => new StepFailure($"{owner}: {newer.Message}", Fatal: true),
        VarTrackException config => new StepFailure($"{owner}: {string.Join("; ", config.Problems.Select(p => p.ToString()))}", Fatal: true),
        _ => null,
    };

    private async Task<(SyncIndex Index, string Tag)?> ReadIndexAsync(string owner, CancellationToken cancellationToken)
    {
        var document = await _store.ReadIndexAsync(owner, cancellationToken);
        return document is null ? null : (SyncInfoJson.ParseIndex(document.Data, $"the sync info index of {owner} in {_store.Description}"), document.Tag);
    }

    /// <summary>
    /// An owner's own index for its cycle: a corrupt one is treated as absent (the cycle rebuilds it and replaces it
    /// conditionally on its tag) so that it heals; one of a newer schema still stops the cycle.
    /// </summary>
    private async Task<(SyncIndex? Index, string? Tag)> ReadOwnIndexAsync(string owner, CancellationToken cancellationToken)
    {
        var document = await _store.ReadIndexAsync(owner, cancellationToken);
        if (document is null) return (null, null);
        try
        {
            return (SyncInfoJson.ParseIndex(document.Data, $"the sync info index of {owner} in {_store.Description}"), document.Tag);
        }
        catch (InvalidDataException ex)
        {
            _logger.LogWarning("vault replication {Owner}: {Reason}; rebuilding it", owner, ex.Message);
            return (null, document.Tag);
        }
    }

    private async Task<SyncBucket> ReadBucketAsync(string owner, SyncIndexBucket entry, CancellationToken cancellationToken)
    {
        var what = $"bucket {entry.Bucket} of generation {entry.Generation} of {owner} in {_store.Description}";
        var data = await _store.ReadBucketAsync(owner, entry.Generation, entry.Bucket, cancellationToken)
                   ?? throw new InvalidDataException($"{what} is missing (its index names it)");
        // The index's hash is checked so that a torn or hand-edited document is never trusted.
        if (SyncInfoJson.Hash(data) != entry.Hash) throw new InvalidDataException($"{what} does not match the hash in its index");
        var bucket = SyncInfoJson.ParseBucket(data, what);
        return bucket.Bucket == entry.Bucket ? bucket : throw new InvalidDataException($"{what} holds bucket {bucket.Bucket}");
    }

    /// <summary>Reads the bucket documents an index names, <see cref="ReplicationSettings.Workers"/> at a time.</summary>
    private async Task<Dictionary<int, SyncBucket>> ReadBucketsAsync(string owner, SyncIndex index, IEnumerable<int> buckets, CancellationToken cancellationToken)
    {
        var read = new System.Collections.Concurrent.ConcurrentDictionary<int, SyncBucket>();
        await Parallel.ForEachAsync(buckets, Options(cancellationToken), async (bucket, token) =>
            read[bucket] = await ReadBucketAsync(owner, index.Bucket(bucket) ?? throw new InvalidDataException($"the sync info index of {owner} has no bucket {bucket}"), token));
        return new Dictionary<int, SyncBucket>(read);
    }

    /// <summary>
    /// Publishes an index conditionally on the one read at the start of the cycle, then deletes the generations that
    /// neither the new index nor the one it replaced reads (a reader in flight may still be reading the replaced one)
    /// and that are older than twice the cycle timeout: a younger one may be another cycle's staging, which can still
    /// be published (after this one, on this index) and must not lose its buckets.
    /// </summary>
    private async Task PublishAsync(string owner, SyncIndex index, string? expectedTag, CycleDeadline deadline)
    {
        var replaced = await ReadOwnIndexAsync(owner, deadline.Token);
        if (!string.Equals(replaced.Tag, expectedTag, StringComparison.Ordinal)) throw new SyncInfoConflictException(owner, _store.Description);
        await _store.WriteIndexAsync(owner, SyncInfoJson.Serialize(index), expectedTag, deadline.Token);

        // Published: the deadline no longer applies, and clean-up stopping for the host must not turn a saved index
        // into a cycle reported as stopped with nothing published (its orphans go with a later publish).
        try
        {
            var keep = index.Generations.Union(replaced.Index?.Generations ?? new HashSet<string>(), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var before = _time.GetUtcNow() - 2 * _settings.Timeout;
            foreach (var generation in await _store.ListGenerationsAsync(owner, deadline.Host))
                // An id without a time was made by an older VarTrack before this one started: an orphan by now.
                if (!keep.Contains(generation) && (SyncInfoJson.GenerationTime(generation) is not { } created || created < before))
                    await _store.DeleteGenerationAsync(owner, generation, deadline.Host);
        }
        catch (OperationCanceledException)
        {
            _logger.LogInformation("vault replication {Owner}: published generation {Generation}; removing old generations was cut short by shutdown (done after the next publish)",
                owner, index.Generation);
        }
        catch (Exception ex)
        {
            _logger.LogWarning("vault replication {Owner}: published generation {Generation}, but old generations could not be removed (retried after the next publish): {Reason}",
                owner, index.Generation, ex.Message);
        }
    }

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _settings.Workers, CancellationToken = cancellationToken };

    private static IReadOnlyList<string> Capped(IReadOnlyCollection<string> errors) =>
        errors.Count <= MaxErrors ? errors.ToList() : [.. errors.Take(MaxErrors), $"... and {errors.Count - MaxErrors} more"];
}
