using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Drift;

namespace VarTrack.Functions.Activities;

/// <summary>The activities of the drift workflow, bound to Core's <see cref="DriftActivities"/> (recording a heal is clean-up: no cancellation).</summary>
public sealed class DriftActivityFunctions(DriftActivities activities)
{
    [Function(DriftActivities.Targets)]
    public Task<List<DriftTarget>> TargetsAsync([ActivityTrigger] DriftRequest request, CancellationToken cancellationToken) =>
        activities.TargetsAsync(request, cancellationToken);

    [Function(DriftActivities.Check)]
    public Task<DriftCheck> CheckAsync([ActivityTrigger] DriftCheckStep step, CancellationToken cancellationToken) =>
        activities.CheckAsync(step, cancellationToken);

    [Function(DriftActivities.Healed)]
    public Task<DriftReport> HealedAsync([ActivityTrigger] DriftHeal heal) =>
        activities.HealedAsync(heal, CancellationToken.None);
}
