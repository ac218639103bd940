using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// The contract every datastore implements, kept tiny on purpose: read a destination, apply a change set, restore a
/// snapshot. Locking, fan-out, ordering, rollback and masking live once in <see cref="SyncExecutor"/>, not in sinks.
/// A sink stores <see cref="Provenance"/> beside the data, one record per owner (rule and source file), and
/// batches every write its store allows. Failures are thrown as they are; the executor names sink and destination.
/// </summary>
public interface ISink
{
    /// <summary>
    /// Everything at the destination (all keys, whoever wrote them, so <c>live_state</c> can see strangers) plus the
    /// target owner's provenance, or null when that owner never wrote there. A destination that does not exist yet
    /// reads as empty.
    /// </summary>
    Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the upserts and removals of <paramref name="changes"/> and the owner's provenance record. A null
    /// <paramref name="provenance"/> removes the owner's record (restoring a destination the owner never wrote).
    /// </summary>
    Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts the destination back to <paramref name="snapshot"/>: previous values back, added keys removed, provenance
    /// as it was. Restore is apply: the change set back to the snapshot goes through the sink's own batched write, so
    /// no store needs a second write path.
    /// </summary>
    async Task RestoreAsync(SinkTarget target, Snapshot snapshot, CancellationToken cancellationToken = default) =>
        await ApplyAsync(target, RestorePlan.Between(await ReadAsync(target, cancellationToken), snapshot), snapshot.Provenance, cancellationToken);
}
