using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Server;

/// <summary>Runs Core workflows in this process: activities are direct calls, critical sections are destination locks.</summary>
public sealed class WorkflowHost(ActivityTable activities, IDestinationLocks locks, TimeProvider time)
{
    public IWorkflowSteps Steps(CancellationToken cancellationToken) => new InProcessWorkflowSteps(activities, locks, time, cancellationToken);
}
