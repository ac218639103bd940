namespace VarTrack.Core.Workflows;

/// <summary>
/// Starts the sync workflow for a request in the host (a queue in the self-hosted server, a Durable orchestration on
/// Azure Functions). Idempotent by <see cref="SyncRequest.SyncId"/>: a second start of the same id starts nothing.
/// </summary>
public interface ISyncStarter
{
    /// <summary>True when this call started the sync; false when a sync with that id already exists.</summary>
    Task<bool> StartAsync(SyncRequest request, CancellationToken cancellationToken = default);
}
