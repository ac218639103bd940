using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.Etl;
using VarTrack.Core.Git;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Workflows;

/// <summary>
/// The sync and drift activities wired as a host wires them (one job source, one destination sync, baselines and
/// records in <paramref name="state"/>), run through <see cref="RecordingSteps"/> so every activity input and result
/// crosses JSON as in Durable history.
/// </summary>
internal static class WorkflowActivities
{
    public static RecordingSteps Steps(VarTrackConfig config, ConfigPipeline pipeline, ISecretStore? secrets, IGitSource git,
        IStateStore state, IReadOnlyDictionary<string, ISink> sinks, TimeProvider time)
    {
        var baselines = new BaselineStore(state);
        var jobs = new StoredJobSource(config, pipeline, secrets, git, baselines, time);
        var destinations = new DestinationSync(new NamedSinks(sinks), time);
        var table = new ActivityTable();
        new SyncResolver(config, jobs, git, state).AddTo(table);
        new SyncActivities(jobs, destinations, new SnapshotStore(state), baselines, time).AddTo(table);
        new DriftActivities(config, jobs, destinations, baselines, new DriftReportStore(state), new SyncRecordStore(state), time).AddTo(table);
        return new RecordingSteps(new InProcessWorkflowSteps(table, new InProcessDestinationLocks(), time));
    }

    private sealed class NamedSinks(IReadOnlyDictionary<string, ISink> sinks) : ISinkProvider
    {
        public Task<ISink> OpenAsync(SinkDefinition definition, CancellationToken cancellationToken = default) => Task.FromResult(sinks[definition.Name]);

        public IEnumerable<string> SecretsOf(string sinkName) => [];
    }
}
