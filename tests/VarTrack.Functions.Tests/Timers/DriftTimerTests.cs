using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Orchestrations;
using VarTrack.Functions.Timers;

namespace VarTrack.Functions.Tests.Timers;

public sealed class DriftTimerTests
{
    private const string Yaml = """
        sinks:
          cache:
            type: redis
            destination: "config:{env}"
            connection: redis://localhost
        rules:
          - name: app
            sinks: [cache]
            drift: { enabled: true, interval: 5m }
          - name: billing
            sinks: [cache]
            drift: { enabled: true, interval: 1m }
          - name: unwatched
            sinks: [cache]
            drift: { enabled: true, interval: 5m }
          - name: quiet
            sinks: [cache]
        """;

    private static readonly DestinationRef Cache = new("cache", "config:production") { Type = "redis" };

    private readonly VarTrackConfig _config = VarTrackConfigLoader.Parse(Yaml, "vartrack.yaml", Path.GetTempPath());
    private readonly InMemoryStateStore _state = new();
    private readonly FixedTimeProvider _time = new(new DateTimeOffset(2025, 3, 14, 9, 32, 10, TimeSpan.Zero));
    private readonly DurableClientFake _durable = new();
    private readonly DriftTimer _timer;

    public DriftTimerTests()
    {
        var baselines = new BaselineStore(_state);
        var drift = new DriftActivities(_config, new GivenJobSource(), new DestinationSync(Mock.Of<ISinkProvider>(), _time), baselines,
            new DriftReportStore(_state), new SyncRecordStore(_state), _time);
        _timer = new DriftTimer(_config, drift, _time, NullLogger<DriftTimer>.Instance);
        // "app" and "billing" have applied baselines (watched destinations); "quiet" too, but its rule has no drift watch.
        foreach (var (rule, file) in new[] { ("app", "config/app.yaml"), ("app", "config/web.yaml"), ("billing", "config/billing.yaml"), ("quiet", "config/quiet.yaml") })
            baselines.SaveAsync(new AppliedBaseline("cache", "config:production", rule, file, "production") { ContentHash = "h" }).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Starts_one_drift_orchestration_per_watched_destination_and_rule()
    {
        var started = await _timer.StartDueChecksAsync(_durable.Client, CancellationToken.None);

        Assert.Equal(2, _durable.Scheduled.Count);
        Assert.All(_durable.Scheduled, s => Assert.Equal(DriftOrchestrator.Name, s.Name));
        var requests = _durable.Scheduled.Select(s => Assert.IsType<DriftRequest>(s.Input)).ToList();
        Assert.Equal(["app", "billing"], requests.Select(r => r.Rule));
        Assert.All(requests, r => Assert.Equal(Cache, r.Destination));
        Assert.Equal([DriftInstanceIds.For("app", Cache, TimeSpan.FromMinutes(5), _time.Now), DriftInstanceIds.For("billing", Cache, TimeSpan.FromMinutes(1), _time.Now)],
            _durable.Scheduled.Select(s => s.Options?.InstanceId));
        Assert.Equal(_durable.Scheduled.Select(s => s.Options!.InstanceId!), started);
    }

    [Fact]
    public async Task A_second_tick_in_the_same_interval_window_starts_nothing_new()
    {
        await _timer.StartDueChecksAsync(_durable.Client, CancellationToken.None);
        _time.Now = _time.Now.AddSeconds(30);

        var started = await _timer.StartDueChecksAsync(_durable.Client, CancellationToken.None);

        Assert.Empty(started);
        Assert.Equal(2, _durable.Scheduled.Count);
    }

    [Fact]
    public async Task Each_rule_is_checked_again_once_its_interval_window_has_passed()
    {
        await _timer.StartDueChecksAsync(_durable.Client, CancellationToken.None);
        _time.Now = _time.Now.AddMinutes(1);

        var started = await _timer.StartDueChecksAsync(_durable.Client, CancellationToken.None);

        // 09:33:10 is a new 1-minute window for "billing" but still the 09:30 5-minute window for "app".
        Assert.Equal([DriftInstanceIds.For("billing", Cache, TimeSpan.FromMinutes(1), _time.Now)], started);
        _time.Now = new DateTimeOffset(2025, 3, 14, 9, 35, 0, TimeSpan.Zero);
        Assert.Equal(2, (await _timer.StartDueChecksAsync(_durable.Client, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Nothing_watched_starts_nothing()
    {
        var empty = new DriftTimer(_config, new DriftActivities(_config, new GivenJobSource(), new DestinationSync(Mock.Of<ISinkProvider>(), _time),
            new BaselineStore(new InMemoryStateStore()), new DriftReportStore(_state), new SyncRecordStore(_state), _time), _time, NullLogger<DriftTimer>.Instance);

        Assert.Empty(await empty.StartDueChecksAsync(_durable.Client, CancellationToken.None));
        Assert.Empty(_durable.Scheduled);
        _durable.Mock.Verify(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void Instance_ids_name_the_rule_and_the_interval_window()
    {
        var at = new DateTimeOffset(2025, 3, 14, 9, 32, 10, TimeSpan.FromHours(2));
        var id = DriftInstanceIds.For("app", Cache, TimeSpan.FromMinutes(5), at);

        Assert.Matches("^drift-[0-9a-f]{16}-20250314T073000Z$", id);
        Assert.Equal(id, DriftInstanceIds.For("app", Cache, TimeSpan.FromMinutes(5), at.AddMinutes(2).AddSeconds(49)));
        Assert.NotEqual(id, DriftInstanceIds.For("app", Cache, TimeSpan.FromMinutes(5), at.AddMinutes(3)));
        Assert.NotEqual(id, DriftInstanceIds.For("App", Cache, TimeSpan.FromMinutes(5), at));
        Assert.NotEqual(id, DriftInstanceIds.For("app", new DestinationRef("cache", "config:staging"), TimeSpan.FromMinutes(5), at));
        Assert.Matches("^drift-[0-9a-f]{16}-", DriftInstanceIds.For("rule/with #odd ?chars\n", Cache, TimeSpan.Zero, at));
    }
}
