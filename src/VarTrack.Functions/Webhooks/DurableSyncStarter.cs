using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Orchestrations;

namespace VarTrack.Functions.Webhooks;

/// <summary>
/// Starts a sync as a <see cref="SyncOrchestrator"/> instance whose instance id is the sync id. The id is derived from
/// repository, ref and commit, so a redelivered push finds the instance already there and starts nothing.
/// </summary>
public sealed class DurableSyncStarter(DurableTaskClient client) : ISyncStarter
{
    public async Task<bool> StartAsync(SyncRequest request, CancellationToken cancellationToken = default)
    {
        // Any existing instance counts, finished or not: scheduling an existing id could replace a finished sync's history.
        if (await client.GetInstanceAsync(request.SyncId, getInputsAndOutputs: false, cancellationToken) is not null)
            return false;
        await client.ScheduleNewOrchestrationInstanceAsync(SyncOrchestrator.Name, request,
            new StartOrchestrationOptions { InstanceId = request.SyncId }, cancellationToken);
        return true;
    }
}
