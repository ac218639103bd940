using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Config;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Tests.Timers;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>The server's replication service survives a run that throws: it logs it and runs again at the next interval.</summary>
public sealed class VaultReplicationServiceTests
{
    private const string Yaml = """
        version: 1
        replication:
          interval: 1s
          origin:
            name: primary
            vault: { address: "http://127.0.0.1:1", auth: { method: token, token: "${ORIGIN_TOKEN}" } }
            mounts: [secret]
          destinations:
            - name: eu
              vault: { address: "http://127.0.0.1:1", auth: { method: token, token: "${EU_TOKEN}" } }
              delete_mode: soft
        """;

    [Fact]
    public async Task A_run_that_throws_is_logged_and_the_next_interval_runs_again_without_stopping_the_host()
    {
        var config = VarTrackConfigLoader.Parse(Yaml, "vartrack.yaml", Path.GetTempPath());
        var settings = config.Replication!;
        var runs = 0;
        var table = new ActivityTable().Add<ReplicationCycleRequest, ReplicationCycleStart>(ReplicationActivities.Start, (_, _) =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("the activity host lost its connection");
        });
        var state = new InMemoryStateStore();
        using var services = new ServiceCollection()
            .AddSingleton(new ReplicationGate(new VaultAccessCheck(settings, new StateSyncInfoStore(state), new GrantingVaults()), new ReplicationStatusStore(state), TimeProvider.System))
            .BuildServiceProvider();
        var logger = new Lines();
        using var service = new VaultReplicationService(config, new WorkflowHost(table, new InProcessDestinationLocks(), TimeProvider.System), services, TimeProvider.System, logger);

        await service.StartAsync(CancellationToken.None);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (Volatile.Read(ref runs) < 3 && !patience.IsCancellationRequested)
                await Task.Delay(50, CancellationToken.None);
        var running = service.ExecuteTask!;
        await service.StopAsync(CancellationToken.None);

        Assert.True(runs >= 3, $"only {runs} runs");
        Assert.True(running.IsCompletedSuccessfully, $"the service ended {running.Status}");
        Assert.Contains("vault replication run failed; trying again at the next interval: the activity host lost its connection", logger.Logged);
    }

    private sealed class Lines : ILogger<VaultReplicationService>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Logged
        {
            get
            {
                lock (_lines) return _lines.ToList();
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add(formatter(state, exception));
        }
    }
}
