using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Activities;

/// <summary>The first and last activities of a sync, bound to Core's <see cref="SyncResolver"/> (finish is clean-up: no cancellation).</summary>
public sealed class SyncResolverFunctions(SyncResolver resolver)
{
    [Function(SyncResolver.Resolve)]
    public Task<ResolvedSync> ResolveAsync([ActivityTrigger] SyncRequest request, CancellationToken cancellationToken) =>
        resolver.ResolveAsync(request, cancellationToken);

    [Function(SyncResolver.Finish)]
    public Task<bool> FinishAsync([ActivityTrigger] SyncFinish finish) =>
        resolver.FinishAsync(finish, CancellationToken.None);
}
