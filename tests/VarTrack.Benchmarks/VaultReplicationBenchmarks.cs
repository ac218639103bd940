using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using VarTrack.Connectors.Tests.Vault;
using VarTrack.Connectors.Vault;
using VarTrack.Core.Config;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Benchmarks;

/// <summary>
/// Vault replication of 10k secrets with 8 workers (fan_out 1, so at most 8 Vault requests at once) between two fake
/// Vaults on loopback (the tests' in-process KV v2 server), through the real workflow and activities in process:
/// a full initial replication (empty sync info: 10k metadata reads, 10k secret reads, 10k writes) and an all-unchanged
/// cycle (10k metadata reads, zero secret reads, zero writes, nothing published). Target (issue 7): both figures in
/// the README; the unchanged cycle must read no secret (checked and printed after the run).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class VaultReplicationBenchmarks
{
    private const int Secrets = 10_000;
    private FakeVaultServer _origin = null!;
    private FakeVaultServer _destination = null!;
    private ReplicationSettings _settings = null!;
    private VaultReplicaVaults _vaults = null!;
    private InProcessWorkflowSteps _fresh = null!;
    private InProcessWorkflowSteps _synced = null!;
    private int _cycle;
    private int _unchangedRuns;
    private int _unchangedDataReads;
    private int _unchangedWrites;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await FakeVaultServer.StartAsync();
        _destination = await FakeVaultServer.StartAsync();
        for (var i = 0; i < Secrets; i++)
            _origin.Seed("secret", $"team{i % 10}/app{i / 10 % 10}/s{i}", new Dictionary<string, string> { ["user"] = $"user{i}", ["password"] = $"password-{i}-{Guid.NewGuid():N}" });
        var environment = new Dictionary<string, string>
        {
            ["ORIGIN_ADDR"] = _origin.Address.ToString(), ["ORIGIN_TOKEN"] = _origin.RootToken,
            ["EU_ADDR"] = _destination.Address.ToString(), ["EU_TOKEN"] = _destination.RootToken,
        };
        _settings = VarTrackConfigLoader.Parse("""
            replication:
              workers: 8
              origin:
                name: primary
                vault: { address: "${ORIGIN_ADDR}", auth: { token: "${ORIGIN_TOKEN}" } }
                mounts: [secret]
              destinations:
                - name: eu
                  vault: { address: "${EU_ADDR}", auth: { token: "${EU_TOKEN}" } }
                  delete_mode: soft
            """, "vartrack.yaml", Path.GetTempPath()).Replication!;
        _vaults = VaultReplicaVaults.Create(_settings, Path.GetTempPath(), new SettingResolver(n => environment.GetValueOrDefault(n)));
        _synced = Steps(new InMemoryStateStore());
        var first = await RunAsync(_synced);
        if (first.Destinations.Single().Copied != Secrets) throw new InvalidOperationException($"set-up replicated {first.Destinations.Single().Copied} secrets");
    }

    /// <summary>Each iteration starts from empty sync info, so every secret is scanned, read and written.</summary>
    [IterationSetup(Target = nameof(FullInitialReplication))]
    public void EmptySyncInfo() => _fresh = Steps(new InMemoryStateStore());

    [Benchmark]
    public async Task<int> FullInitialReplication()
    {
        var result = await RunAsync(_fresh);
        return result.Destinations.Single().Copied == Secrets ? Secrets : throw new InvalidOperationException("not every secret was copied");
    }

    [Benchmark]
    public async Task<int> UnchangedCycle()
    {
        var reads = _origin.DataReads;
        var writes = _destination.DataWrites;
        var result = await RunAsync(_synced);
        if (result.Origin.Outcome != CycleOutcome.Unchanged || result.Destinations.Single().Outcome != CycleOutcome.Unchanged)
            throw new InvalidOperationException($"expected an unchanged cycle, got {result.Origin.Outcome}/{result.Destinations.Single().Outcome}");
        _unchangedRuns++;
        _unchangedDataReads += _origin.DataReads - reads;
        _unchangedWrites += _destination.DataWrites - writes;
        return result.Origin.Paths;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_unchangedRuns > 0)
            Console.WriteLine($"// unchanged cycles: {_unchangedRuns}, secret reads: {_unchangedDataReads}, destination writes: {_unchangedWrites}");
        _vaults.Dispose();
        await _origin.DisposeAsync();
        await _destination.DisposeAsync();
    }

    private InProcessWorkflowSteps Steps(IStateStore state)
    {
        var table = new ActivityTable();
        new ReplicationActivities(_settings, _vaults, new StateSyncInfoStore(state), state, new ReplicationStatusStore(state)).AddTo(table);
        return new InProcessWorkflowSteps(table, new InProcessDestinationLocks(), TimeProvider.System);
    }

    private Task<ReplicationCycleResult> RunAsync(IWorkflowSteps steps) =>
        ReplicationWorkflow.RunAsync(steps, new ReplicationCycleRequest($"bench-{Interlocked.Increment(ref _cycle)}"));
}
