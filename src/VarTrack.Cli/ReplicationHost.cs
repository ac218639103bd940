using Microsoft.Extensions.DependencyInjection;
using VarTrack.Connectors;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Core.Replication;
using VarTrack.Core.Workflows;

namespace VarTrack.Cli;

/// <summary>
/// Vault replication in the CLI process, wired exactly as the server wires it (the same registration methods) over the
/// state the server uses: a local folder (<c>--state</c>) or Azure Blob storage (<c>--state-connection</c>).
/// </summary>
internal sealed class ReplicationHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ReplicationHost(VarTrackConfig config, StateLocation state)
    {
        if (config.Replication is null)
            throw new UsageException($"{config.Path ?? VarTrackConfig.FileName} has no 'replication' section; see the README's Vault replication section");
        _services = new ServiceCollection()
            .AddVarTrackConnectors(config, state: state)
            .AddVarTrackCore(config)
            .BuildServiceProvider();
    }

    public ReplicationStatusStore Status => _services.GetRequiredService<ReplicationStatusStore>();

    public VaultAccessCheck AccessCheck => _services.GetRequiredService<VaultAccessCheck>();

    /// <summary>One run now, in this process; cancellation stops it with nothing published.</summary>
    public Task<ReplicationCycleResult> RunOnceAsync(ReplicationCycleRequest request, CancellationToken cancellationToken)
    {
        var steps = new InProcessWorkflowSteps(_services.GetRequiredService<ActivityTable>(), _services.GetRequiredService<Core.Sync.IDestinationLocks>(),
            TimeProvider.System, cancellationToken);
        return ReplicationWorkflow.RunAsync(steps, request);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
