using System.Text;
using System.Text.Json;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.Etl;
using VarTrack.Core.Git;
using VarTrack.Core.Planning;
using VarTrack.Core.Releases;
using VarTrack.Core.Releases.Age;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Workflows;

/// <summary>
/// An age-encrypted file through the real sync and drift workflows (every activity input and result through JSON, as
/// in Durable history): its values land in the sinks, but the sync record, workflow history, sink errors, provenance
/// and drift reports treat every one of them as a secret, and a heal from the applied baseline keeps masking them
/// without the age key.
/// </summary>
public sealed class EncryptedFileWorkflowTests
{
    private const string File = "envs/Prod/app.yaml";
    private const string Password = "pl41n-TEXT-workflow";
    private const string Host = "prod-db-91c2";
    private static readonly AgeIdentity Prod = AgeIdentity.Generate();

    private readonly MemoryGit _git = new();
    private readonly InMemoryStateStore _state = new();
    private readonly InMemorySink _mem = new();
    private readonly ScriptedSink _other = new(new InMemorySink(), "other");
    private readonly RecordingSteps _steps;
    private bool _keyAvailable = true;

    public EncryptedFileWorkflowTests()
    {
        var config = VarTrackConfigLoader.Parse("""
            version: 1
            sinks:
              mem: { type: file, format: env, destination: "mem/{env}" }
              other: { type: file, format: env, destination: "other/{env}" }
            rules:
              - name: prod
                repositories: ["acme/*"]
                files: ["envs/Prod/**"]
                root_key: null
                environment: { branch_name: false, default: production }
                sinks: [mem, other]
                prune: true
                drift: { enabled: true, interval: 1m, self_heal: true }
                decrypt: { age_identities: "${AGE_PROD}" }
            """, "vartrack.yaml", Path.GetTempPath());
        var time = TimeProvider.System;
        // The key comes from the environment only while the test says so: a heal must not need it.
        var decryption = new AgeFileDecryption(new AgeCipher(),
            new SettingResolver(name => name == "AGE_PROD" && _keyAvailable ? Prod.ExportIdentityFile(DateTimeOffset.UnixEpoch) : null, null));
        var pipeline = new ConfigPipeline(config, decryption: decryption);
        _steps = WorkflowActivities.Steps(config, pipeline, null, _git, _state, new Dictionary<string, ISink> { ["mem"] = _mem, ["other"] = _other }, time);
    }

    /// <summary>Armored, so the in-memory Git (text files) can hold it.</summary>
    private static string Encrypted(string host, string password) =>
        Encoding.ASCII.GetString(AgeEncryption.Encrypt(Encoding.UTF8.GetBytes($"db:\n  host: {host}\n  password: {password}\n  none: null\nport: 5432\n"), [Prod.Recipient], armor: true));

    private SyncRequest Request(string commit) =>
        new(SyncIds.For("acme/app", "refs/heads/main", commit), "acme/app", "memory://acme/app", "refs/heads/main", commit)
        {
            ChangedFiles = [new GitFileChange(File, GitChangeKind.Modified)],
        };

    private static SinkTarget Target(string sink) => new($"{sink}/production", "prod", File);

    private async Task<Dictionary<string, string?>> ValuesAsync(ISink sink, string name) =>
        (await sink.ReadAsync(Target(name))).Values.ToDictionary(v => v.Key, v => v.Value.Reveal());

    private static void AssertNoPlaintext(string text, params string[] more)
    {
        foreach (var value in more.Append(Password).Append(Host)) Assert.DoesNotContain(value, text);
    }

    private static Dictionary<string, string?> Expected(string host, string password) => new()
    {
        ["db.host"] = host,
        ["db.password"] = password,
        ["db.none"] = null,
        ["port"] = "5432",
    };

    [Fact]
    public async Task A_sync_writes_the_real_values_records_them_as_secret_keys_and_shows_only_masks()
    {
        var commit = _git.Commit(new Dictionary<string, string?> { [File] = Encrypted(Host, Password) });

        var record = await SyncWorkflow.RunAsync(_steps, Request(commit));

        Assert.True(record.State == SyncState.Succeeded, record.Error + string.Join("; ", record.Files.SelectMany(f => f.Problems)));
        Assert.Equal(Expected(Host, Password), await ValuesAsync(_mem, "mem"));
        var provenance = (await _mem.ReadAsync(Target("mem"))).Provenance!;
        Assert.Equal(new HashSet<string> { "db.host", "db.password", "port" }, provenance.SecretKeys);
        var recordJson = JsonSerializer.Serialize(record, StateJson.Options);
        Assert.Contains("\"after\":\"***\"", recordJson);
        AssertNoPlaintext(recordJson);
        Assert.All(_steps.History, AssertNoPlaintextIn);
        // The baseline keeps the values (the state store is private, like the sinks) and says they are secrets.
        var baseline = (await new BaselineStore(_state).LoadAsync("mem", "mem/production", "prod", File))!;
        Assert.True(baseline.Sensitive);
        Assert.Equal(Expected(Host, Password), baseline.Values);
    }

    [Fact]
    public async Task A_sink_error_echoing_a_value_and_the_rollback_are_masked()
    {
        await SyncWorkflow.RunAsync(_steps, Request(_git.Commit(new Dictionary<string, string?> { [File] = Encrypted(Host, Password) })));
        const string newPassword = "n3w-pl41n-TEXT";
        _other.FailApply = changes => new InvalidOperationException($"store refused value {changes.Changes.First(c => c.Key == "db.password").After!.Value.Reveal()}");

        var record = await SyncWorkflow.RunAsync(_steps, Request(_git.Commit(new Dictionary<string, string?> { [File] = Encrypted(Host, newPassword) })));

        Assert.Equal(SyncState.Failed, record.State);
        var sinks = Assert.Single(record.Files).Sinks.ToDictionary(s => s.Sink);
        Assert.Equal((SinkOutcome.RolledBack, SinkOutcome.Failed), (sinks["mem"].Outcome, sinks["other"].Outcome));
        Assert.EndsWith("store refused value ***", sinks["other"].Error);
        Assert.Equal(Expected(Host, Password), await ValuesAsync(_mem, "mem"));
        AssertNoPlaintext(JsonSerializer.Serialize(record, StateJson.Options), newPassword);
        Assert.All(_steps.History, entry => AssertNoPlaintext(entry, newPassword));
    }

    [Fact]
    public async Task Drift_is_reported_masked_and_healed_from_the_baseline_without_the_age_key()
    {
        await SyncWorkflow.RunAsync(_steps, Request(_git.Commit(new Dictionary<string, string?> { [File] = Encrypted(Host, Password) })));
        _keyAvailable = false;
        await HandEditAsync(_mem, "db.password", "stolen-value");
        await HandEditAsync(_mem, "port", null);

        var reports = await DriftWorkflow.RunAsync(_steps, new DriftRequest("prod"));

        var mem = reports.Single(r => r.Sink == "mem");
        Assert.True(mem.State == DriftState.Healed, mem.Error);
        Assert.Equal([("db.password", ChangeKind.Change, "***", "***"), ("port", ChangeKind.Remove, "***", (string?)null)],
            mem.Keys.Select(k => (k.Key, k.Kind, k.Before, k.After)));
        Assert.Equal(Expected(Host, Password), await ValuesAsync(_mem, "mem"));
        var stored = await new DriftReportStore(_state).LoadAsync("mem", "mem/production", "prod", File);
        AssertNoPlaintext(JsonSerializer.Serialize(stored, StateJson.Options), "stolen-value");
        Assert.All(_steps.History, entry => AssertNoPlaintext(entry, "stolen-value"));
        // The heal wrote the values as secrets again and re-recorded the baseline still flagged, so later checks mask too.
        Assert.Equal(new HashSet<string> { "db.host", "db.password", "port" }, (await _mem.ReadAsync(Target("mem"))).Provenance!.SecretKeys);
        Assert.True((await new BaselineStore(_state).LoadAsync("mem", "mem/production", "prod", File))!.Sensitive);
    }

    private static void AssertNoPlaintextIn(string entry) => AssertNoPlaintext(entry);

    /// <summary>Changes (or, with null, removes) one value the way a person would: without touching VarTrack's provenance.</summary>
    private static async Task HandEditAsync(ISink sink, string key, string? value)
    {
        var target = Target("mem");
        var current = await sink.ReadAsync(target);
        var change = value is null
            ? new KeyChange(key, ChangeKind.Remove, current.Values[key], null, false)
            : new KeyChange(key, ChangeKind.Change, current.Values[key], FlatValue.Text(value), false);
        await sink.ApplyAsync(target, new ChangeSet { Changes = [change], ContentHash = "x", OwnedKeysAfter = current.OwnedKeys, SecretKeys = new HashSet<string>() }, current.Provenance);
    }
}
