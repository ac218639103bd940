using System.Text.Json;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.Etl;
using VarTrack.Core.Git;
using VarTrack.Core.Planning;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Workflows;

/// <summary>
/// The sync and drift workflows through the real activities, with every activity input and result passed through
/// JSON as a Durable orchestration would: Git is in memory, sinks are in-memory sinks, state is in memory.
/// </summary>
public sealed class SyncWorkflowTests
{
    private const string Secret = "hunter2-very-secret-value";
    private const string App = "config/app.yaml";

    private readonly MemoryGit _git = new();
    private readonly InMemoryStateStore _state = new();
    private readonly InMemorySink _mem = new();
    private readonly ScriptedSink _other = new(new InMemorySink(), "other");
    private readonly VarTrackConfig _config;
    private readonly RecordingSteps _steps;

    public SyncWorkflowTests() : this(selfHeal: true)
    {
    }

    private SyncWorkflowTests(bool selfHeal)
    {
        _config = VarTrackConfigLoader.Parse($$"""
            version: 1
            sinks:
              mem: { type: file, format: env, destination: "mem/{env}" }
              other: { type: file, format: env, destination: "other/{env}" }
            rules:
              - name: app
                repositories: ["acme/*"]
                files: ["config/*.yaml"]
                root_key: null
                environment: { branch_map: { main: production }, default: development }
                sinks: [mem, other]
                prune: true
                drift: { enabled: true, interval: 1m, self_heal: {{(selfHeal ? "true" : "false")}} }
            """, "vartrack.yaml", Path.GetTempPath());
        var time = TimeProvider.System;
        var secrets = new OneSecret();
        var pipeline = new ConfigPipeline(_config, secrets);
        _steps = WorkflowActivities.Steps(_config, pipeline, secrets, _git, _state, new Dictionary<string, ISink> { ["mem"] = _mem, ["other"] = _other }, time);
    }

    private static string AppYaml(string host, string? extra = null) => $"db:\n  host: {host}\n  password: \"@secret(kv/app#password)\"\n{extra}";

    private SyncRequest Request(string commit, params GitFileChange[] changes) =>
        new(SyncIds.For("acme/app", "refs/heads/main", commit), "acme/app", "memory://acme/app", "refs/heads/main", commit)
        {
            ChangedFiles = changes.Length == 0 ? null : changes,
        };

    private async Task<Dictionary<string, string?>> ValuesAsync(ISink sink, string file = App) =>
        (await sink.ReadAsync(new SinkTarget("production".Insert(0, sink == _mem ? "mem/" : "other/"), "app", file))).Values.ToDictionary(v => v.Key, v => v.Value.Reveal());

    [Fact]
    public async Task A_push_lands_in_every_sink_and_no_secret_reaches_workflow_history()
    {
        var commit = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1") });

        var record = await SyncWorkflow.RunAsync(_steps, Request(commit, new GitFileChange(App, GitChangeKind.Added)));

        Assert.Equal(SyncState.Succeeded, record.State);
        var expected = new Dictionary<string, string?> { ["db.host"] = "h1", ["db.password"] = Secret };
        Assert.Equal(expected, await ValuesAsync(_mem));
        Assert.Equal(expected, await ValuesAsync(_other));
        Assert.Equal(["sync-resolve", "sync-plan", "sync-plan", "sync-write", "sync-write", "sync-record", "sync-finish"], _steps.Activities);
        Assert.Equal(1, _git.Reads); // validated once at resolve; plan, write and record reuse the loaded job
        Assert.NotEmpty(_steps.History);
        Assert.All(_steps.History, entry => Assert.DoesNotContain(Secret, entry));
        var recordJson = JsonSerializer.Serialize(record, StateJson.Options);
        Assert.DoesNotContain(Secret, recordJson);
        Assert.Contains("\"after\":\"***\"", recordJson);
        var baseline = await new BaselineStore(_state).LoadAsync("mem", "mem/production", "app", App);
        Assert.Equal(("@secret(kv/app#password)", commit), (baseline!.Values["db.password"], baseline.Commit));
        Assert.Null(await _state.ReadAsync(StateKey.Of("snapshots")));
        Assert.Empty(await _state.ListAsync("snapshots"));
    }

    [Fact]
    public async Task A_failing_sink_rolls_the_other_back_to_its_snapshot()
    {
        var first = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1") });
        await SyncWorkflow.RunAsync(_steps, Request(first, new GitFileChange(App, GitChangeKind.Added)));
        _other.FailApply = _ => new InvalidOperationException("disk full");
        var second = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h2", "extra: 1\n") });

        var record = await SyncWorkflow.RunAsync(_steps, Request(second, new GitFileChange(App, GitChangeKind.Modified)));

        Assert.Equal(SyncState.Failed, record.State);
        var sinks = Assert.Single(record.Files).Sinks.ToDictionary(s => s.Sink);
        Assert.Equal((SinkOutcome.RolledBack, SinkOutcome.Failed), (sinks["mem"].Outcome, sinks["other"].Outcome));
        Assert.Contains("disk full", sinks["other"].Error);
        Assert.Equal(new Dictionary<string, string?> { ["db.host"] = "h1", ["db.password"] = Secret }, await ValuesAsync(_mem));
        Assert.Contains("sync-restore", _steps.Activities);
        Assert.DoesNotContain("sync-finish", _steps.Activities.Skip(7));
        var baseline = await new BaselineStore(_state).LoadAsync("mem", "mem/production", "app", App);
        Assert.Equal(first, baseline!.Commit);
    }

    [Fact]
    public async Task An_invalid_file_is_reported_with_its_position_and_nothing_is_planned_or_written()
    {
        var commit = _git.Commit(new Dictionary<string, string?> { [App] = "db:\n  host: a\n  host: b\n" });

        var record = await SyncWorkflow.RunAsync(_steps, Request(commit, new GitFileChange(App, GitChangeKind.Added)));

        Assert.Equal(SyncState.Failed, record.State);
        var problem = Assert.Single(Assert.Single(record.Files).Problems);
        Assert.StartsWith("config/app.yaml:3:3: ", problem);
        Assert.Contains("duplicate key 'host'", problem);
        Assert.Equal(["sync-resolve"], _steps.Activities);
        Assert.Empty(await ValuesAsync(_mem));
    }

    [Fact]
    public async Task A_reserved_key_or_an_unresolvable_secret_makes_the_file_invalid_before_anything_is_planned()
    {
        var commit = _git.Commit(new Dictionary<string, string?>
        {
            [App] = "__vartrack_owner: me\n",
            ["config/b.yaml"] = "token: \"@secret(kv/missing#token)\"\n",
        });

        var record = await SyncWorkflow.RunAsync(_steps, Request(commit, new GitFileChange(App, GitChangeKind.Added), new GitFileChange("config/b.yaml", GitChangeKind.Added)));

        Assert.Equal(SyncState.Failed, record.State);
        var problems = record.Files.ToDictionary(f => f.File, f => string.Join(" | ", f.Problems));
        Assert.Contains("key '__vartrack_owner' is reserved", problems[App]);
        Assert.Contains("kv/missing", problems["config/b.yaml"]);
        Assert.Equal(["sync-resolve"], _steps.Activities);
    }

    [Fact]
    public async Task A_missing_commit_fails_the_sync_naming_repository_and_commit()
    {
        var record = await SyncWorkflow.RunAsync(_steps, Request(new string('a', 40)));

        Assert.Equal(SyncState.Failed, record.State);
        Assert.Equal($"repository 'acme/app': commit {new string('a', 40)} not found at memory://acme/app", record.Error);
    }

    [Fact]
    public async Task A_deleted_file_prunes_the_keys_it_owned_and_drops_its_baseline()
    {
        var first = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1") });
        await SyncWorkflow.RunAsync(_steps, Request(first, new GitFileChange(App, GitChangeKind.Added)));

        var second = _git.Commit(new Dictionary<string, string?> { [App] = null });
        var record = await SyncWorkflow.RunAsync(_steps, Request(second, new GitFileChange(App, GitChangeKind.Deleted)));

        Assert.Equal(SyncState.Succeeded, record.State);
        Assert.True(Assert.Single(record.Files).Deleted);
        Assert.Empty(await ValuesAsync(_mem));
        Assert.Null(await new BaselineStore(_state).LoadAsync("mem", "mem/production", "app", App));
    }

    [Fact]
    public async Task Without_a_file_list_the_diff_starts_at_the_commit_last_applied_for_the_ref()
    {
        var first = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1"), ["config/b.yaml"] = "b: 1\n", ["README.md"] = "x" });
        var initial = await SyncWorkflow.RunAsync(_steps, Request(first));
        var second = _git.Commit(new Dictionary<string, string?> { ["config/b.yaml"] = "b: 2\n" });
        var next = await SyncWorkflow.RunAsync(_steps, Request(second));

        Assert.Equal([App, "config/b.yaml"], initial.Files.Select(f => f.File));
        Assert.Equal(["config/b.yaml"], next.Files.Select(f => f.File));
        Assert.Equal("2", (await ValuesAsync(_mem, "config/b.yaml"))["b"]);
    }

    [Fact]
    public async Task Drift_is_measured_against_the_baseline_masked_and_healed()
    {
        var commit = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1") });
        await SyncWorkflow.RunAsync(_steps, Request(commit, new GitFileChange(App, GitChangeKind.Added)));
        await HandEditAsync(_mem, new Dictionary<string, string?> { ["db.host"] = "hacked", ["db.password"] = "stolen" });

        var reports = await DriftWorkflow.RunAsync(_steps, new DriftRequest("app"));

        var mem = reports.Single(r => r.Sink == "mem");
        Assert.Equal(DriftState.Healed, mem.State);
        Assert.Equal([("db.host", ChangeKind.Change, "h1", "hacked"), ("db.password", ChangeKind.Change, "***", "***")],
            mem.Keys.Select(k => (k.Key, k.Kind, k.Before, k.After)));
        Assert.Equal(DriftState.InSync, reports.Single(r => r.Sink == "other").State);
        Assert.Equal(new Dictionary<string, string?> { ["db.host"] = "h1", ["db.password"] = Secret }, await ValuesAsync(_mem));
        var heal = await new SyncRecordStore(_state).GetAsync(mem.HealSyncId!);
        Assert.Equal(("heal", SyncState.Succeeded), (heal!.Request.Trigger, heal.State));
        Assert.All(_steps.History, entry => Assert.DoesNotContain(Secret, entry));
        Assert.All(_steps.History, entry => Assert.DoesNotContain("stolen", entry));
    }

    [Fact]
    public async Task Without_self_heal_drift_is_only_reported()
    {
        var world = new SyncWorkflowTests(selfHeal: false);
        var commit = world._git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1") });
        await SyncWorkflow.RunAsync(world._steps, world.Request(commit, new GitFileChange(App, GitChangeKind.Added)));
        await HandEditAsync(world._mem, new Dictionary<string, string?> { ["db.host"] = null }, remove: true);

        var report = (await DriftWorkflow.RunAsync(world._steps, new DriftRequest(null))).Single(r => r.Sink == "mem");

        Assert.Equal(DriftState.Drifted, report.State);
        Assert.Equal([("db.host", ChangeKind.Remove, "h1", (string?)null)], report.Keys.Select(k => (k.Key, k.Kind, k.Before, k.After)));
        Assert.False((await world.ValuesAsync(world._mem)).ContainsKey("db.host"));
    }

    [Fact]
    public async Task A_drift_request_can_name_one_destination()
    {
        var commit = _git.Commit(new Dictionary<string, string?> { [App] = AppYaml("h1") });
        await SyncWorkflow.RunAsync(_steps, Request(commit, new GitFileChange(App, GitChangeKind.Added)));

        var reports = await DriftWorkflow.RunAsync(_steps, new DriftRequest(null) { Destination = new DestinationRef("other", "other/production") });

        Assert.Equal([("other", DriftState.InSync)], reports.Select(r => (r.Sink, r.State)));
    }

    /// <summary>Changes values the way a person would: without touching VarTrack's provenance.</summary>
    private static async Task HandEditAsync(ISink sink, IReadOnlyDictionary<string, string?> values, bool remove = false)
    {
        var target = new SinkTarget("mem/production", "app", App);
        var current = await sink.ReadAsync(target);
        var changes = values.Select(v => remove
            ? new KeyChange(v.Key, ChangeKind.Remove, current.Values[v.Key], null, false)
            : new KeyChange(v.Key, ChangeKind.Change, current.Values[v.Key], FlatValue.From(v.Value), false)).ToList();
        await sink.ApplyAsync(target, new ChangeSet { Changes = changes, ContentHash = "x", OwnedKeysAfter = current.OwnedKeys, SecretKeys = new HashSet<string>() }, current.Provenance);
    }

    private sealed class OneSecret : ISecretStore
    {
        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default) =>
            path == "kv/app"
                ? Task.FromResult<IReadOnlyDictionary<string, SecretValue>>(new Dictionary<string, SecretValue> { ["password"] = new(Secret) })
                : throw new SecretStoreException(path, "not found");
    }
}
