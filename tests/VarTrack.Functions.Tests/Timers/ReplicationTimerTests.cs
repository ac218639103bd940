using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Config;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Functions.Orchestrations;
using VarTrack.Functions.Timers;

namespace VarTrack.Functions.Tests.Timers;

public sealed class ReplicationTimerTests
{
    private const string Yaml = """
        replication:
          origin:
            name: primary
            vault: { address: "http://127.0.0.1:8200", auth: { token: "${ORIGIN_TOKEN}" } }
            mounts: [secret]
          destinations:
            - name: eu
              vault: { address: "http://127.0.0.1:8201", auth: { token: "${EU_TOKEN}" } }
              delete_mode: soft
        """;

    private readonly FixedTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 3, 15, 0, TimeSpan.Zero));
    private readonly DurableClientFake _durable = new();
    private readonly VarTrackConfig _config = VarTrackConfigLoader.Parse(Yaml, "vartrack.yaml", Path.GetTempPath());
    private readonly GrantingVaults _vaults = new();
    private readonly ReplicationStatusStore _status = new(new InMemoryStateStore());

    private ReplicationTimer Timer() => new(_config, _time, NullLogger<ReplicationTimer>.Instance,
        new ReplicationGate(new VaultAccessCheck(_config.Replication!, new StateSyncInfoStore(new InMemoryStateStore()), _vaults), _status, _time));

    [Fact]
    public async Task A_tick_starts_one_run_under_the_origins_instance_id_named_after_the_tick()
    {
        var timer = Timer();

        var id = await timer.StartAsync(_durable.Client, CancellationToken.None);

        Assert.Equal("vault-replication-primary", id);
        var (name, input, options) = Assert.Single(_durable.Scheduled);
        Assert.Equal(ReplicationOrchestrator.Name, name);
        Assert.Equal("vault-replication-primary", options!.InstanceId);
        Assert.Equal("cycle-20261123T031500", Assert.IsType<ReplicationCycleRequest>(input).CycleId);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Running)]
    [InlineData(OrchestrationRuntimeStatus.Pending)]
    public async Task A_tick_while_the_previous_run_is_going_starts_nothing(OrchestrationRuntimeStatus status)
    {
        _durable.Add(new OrchestrationMetadata(ReplicationOrchestrator.Name, "vault-replication-primary") { RuntimeStatus = status });
        var timer = Timer();

        Assert.Null(await timer.StartAsync(_durable.Client, CancellationToken.None));
        Assert.Empty(_durable.Scheduled);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated)]
    public async Task A_tick_after_the_previous_run_ended_starts_the_next(OrchestrationRuntimeStatus status)
    {
        _durable.Add(new OrchestrationMetadata(ReplicationOrchestrator.Name, "vault-replication-primary") { RuntimeStatus = status });
        var timer = Timer();

        Assert.Equal("vault-replication-primary", await timer.StartAsync(_durable.Client, CancellationToken.None));
        Assert.Single(_durable.Scheduled);
    }

    [Fact]
    public async Task A_tick_starts_nothing_while_a_permission_is_missing()
    {
        _vaults.Capabilities = ["read"];

        Assert.Null(await Timer().StartAsync(_durable.Client, CancellationToken.None));
        Assert.Empty(_durable.Scheduled);
    }

    [Fact]
    public async Task A_tick_starts_nothing_after_a_fatal_cycle_since_the_instance_started()
    {
        var timer = Timer();
        await _status.RecordAsync(new OwnerCycle("origin-primary", "cycle-x", CycleOutcome.Fatal) { Finished = _time.GetUtcNow(), Errors = ["origin-primary: 403"] });

        Assert.Null(await timer.StartAsync(_durable.Client, CancellationToken.None));
        Assert.Empty(_durable.Scheduled);
    }

    [Fact]
    public async Task Without_a_replication_section_a_tick_does_nothing()
    {
        var timer = new ReplicationTimer(VarTrackConfigLoader.Parse("rules: [ { name: app } ]", "vartrack.yaml", Path.GetTempPath()), _time, NullLogger<ReplicationTimer>.Instance);

        Assert.Null(await timer.StartAsync(_durable.Client, CancellationToken.None));
        Assert.Empty(_durable.Mock.Invocations);
    }
}
