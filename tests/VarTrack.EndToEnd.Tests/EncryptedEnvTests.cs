using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VarTrack.Core.Releases.Age;
using VarTrack.Core.Workflows;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Push an age-encrypted environment file, config lands: a real push to the Git HTTP server, a signed webhook to the
/// real server, the file decrypted by the rule's identity and its flat keys read back from Redis. A key the file was
/// not encrypted for fails the file, writes nothing, and leaves no plaintext in the sync record or the state folder.
/// The values of an encrypted file are secrets: the sync record, the status and drift reports and the server's logs
/// show them as <c>***</c> while Redis holds the real values.
/// </summary>
public sealed class EncryptedEnvTests(EncryptedEnvServer server) : IClassFixture<EncryptedEnvServer>
{
    private const string Marker = "pl41n-TEXT-e2e";
    private static readonly string AppYaml = $"db:\n  host: prod-db\n  password: {Marker}\nfeature: on\n";

    private static byte[] Encrypt(string text, AgeIdentity identity, bool armor = false) =>
        AgeEncryption.Encrypt(Encoding.UTF8.GetBytes(text), [identity.Recipient], armor);

    [Fact]
    public async Task A_pushed_encrypted_prod_file_lands_in_redis_as_flat_keys()
    {
        var repo = new PushedRepository();
        repo.WriteBytes("envs/Prod/app.yaml", Encrypt(AppYaml, server.Prod));
        repo.WriteBytes("envs/Prod/extra.json.age", Encrypt("""{"cache": {"ttl": "30s"}}""", server.Prod, armor: true));
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?>());

        var record = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = ["envs/Prod/app.yaml", "envs/Prod/extra.json.age"] });

        Assert.True(record.State == SyncState.Succeeded, string.Join("; ", record.Files.SelectMany(f => f.Problems)));
        Assert.Equal(["envs/Prod/app.yaml", "envs/Prod/extra.json.age"], record.Files.Select(f => f.File).Order());
        Assert.All(record.Files, f => Assert.Equal(("prod-env", "production"), (f.Rule, f.Environment)));
        Assert.Equal(new Dictionary<string, string>
        {
            ["db.host"] = "prod-db",
            ["db.password"] = Marker,
            ["feature"] = "on",
            ["cache.ttl"] = "30s",
        }, await server.RedisValuesAsync(repo));
        // Redis holds the values; what the server serves and logs shows them masked, like @secret(...) values.
        var served = await server.Http.GetStringAsync($"/api/syncs/{record.Id}");
        Assert.Contains("\"key\":\"db.password\",\"kind\":\"add\",\"after\":\"***\"", served);
        Assert.Contains(record.Id, server.Logs.Text);
        foreach (var text in new[] { served, server.Logs.Text })
        {
            Assert.DoesNotContain(Marker, text);
            Assert.DoesNotContain("prod-db", text);
        }
    }

    [Fact]
    public async Task A_hand_edit_of_an_encrypted_files_values_is_reported_masked_and_healed()
    {
        var repo = new PushedRepository();
        var stolen = "stolen-" + Guid.NewGuid().ToString("N");
        repo.WriteBytes("envs/Prod/app.yaml", Encrypt(AppYaml, server.Prod));
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?>());
        Assert.Equal(SyncState.Succeeded, (await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = ["envs/Prod/app.yaml"] })).State);

        await server.Redis.HashSetAsync(RunningServer.RedisKey(repo), "db.password", stolen);

        // Healed (the value is back) and then recorded in the drift report (the heal's last step): wait for both.
        JsonElement drift = default;
        var healed = await Eventually.TrueAsync(async () =>
        {
            if ((await server.RedisValuesAsync(repo)).GetValueOrDefault("db.password") != Marker) return false;
            var status = await server.Http.GetFromJsonAsync<JsonElement>("/api/status");
            var destination = status.GetProperty("destinations").EnumerateArray().Single(d => d.GetProperty("destination").GetString() == RunningServer.RedisKey(repo));
            return destination.TryGetProperty("drift", out drift) && drift.TryGetProperty("healed_at", out _);
        });
        Assert.True(healed, $"the hand edit was not healed and recorded within 60 s: {drift}");
        var key = Assert.Single(drift.GetProperty("keys").EnumerateArray());
        Assert.Equal(("db.password", "***", "***"), (key.GetProperty("key").GetString(), key.GetProperty("before").GetString(), key.GetProperty("after").GetString()));
        var heal = await server.Http.GetStringAsync($"/api/syncs/{drift.GetProperty("heal_sync_id").GetString()}");
        var status = await server.Http.GetStringAsync("/api/status");
        foreach (var text in new[] { status, heal, server.Logs.Text })
        {
            Assert.DoesNotContain(Marker, text);
            Assert.DoesNotContain(stolen, text);
        }
    }

    [Fact]
    public async Task A_file_the_dev_identity_cannot_open_fails_naming_file_and_rule_and_writes_nothing()
    {
        var repo = new PushedRepository();
        // A marker of its own: other tests of this server legitimately leave their values in applied baselines.
        var marker = "never-stored-" + Guid.NewGuid().ToString("N");
        // Encrypted for Prod only, but committed where the Dev rule (holding only the Dev identity) reads it.
        repo.WriteBytes("envs/Dev/app.yaml", Encrypt(AppYaml.Replace(Marker, marker, StringComparison.Ordinal), server.Prod));
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?>());

        var (status, answer) = await server.DeliverAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = ["envs/Dev/app.yaml"] });
        Assert.True(status == 202, answer.ToString());
        var id = answer.GetProperty("sync_id").GetString()!;
        var record = await server.WaitForSyncAsync(id);

        Assert.Equal(SyncState.Failed, record.State);
        var file = Assert.Single(record.Files);
        Assert.Equal(("envs/Dev/app.yaml", "dev-env"), (file.File, file.Rule));
        Assert.Equal(["envs/Dev/app.yaml rule 'dev-env': cannot decrypt: none of the configured age identities can read it (the file is encrypted for other recipients)"],
            file.Problems);
        Assert.Empty(file.Sinks);
        Assert.False(await server.Redis.KeyExistsAsync($"vt-e2e:{repo.Name}:development"));
        Assert.False(await server.Redis.KeyExistsAsync($"vt-e2e:{repo.Name}:production"));
        // Neither the sync record the API serves nor anything in the state folder holds plaintext or a key.
        var served = await server.Http.GetStringAsync($"/api/syncs/{id}");
        Assert.Contains("cannot decrypt", served);
        foreach (var text in new[] { served }.Concat(StateFiles().Select(File.ReadAllText)))
        {
            Assert.DoesNotContain(marker, text);
            Assert.DoesNotContain("AGE-SECRET-KEY", text);
        }
    }

    [Fact]
    public async Task A_corrupt_encrypted_file_after_a_good_one_fails_and_keeps_the_applied_values()
    {
        var repo = new PushedRepository();
        repo.WriteBytes("envs/Prod/app.yaml", Encrypt(AppYaml, server.Prod));
        var (b1, a1) = repo.CommitAndPush(new Dictionary<string, string?>());
        Assert.Equal(SyncState.Succeeded, (await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b1, a1) { Added = ["envs/Prod/app.yaml"] })).State);

        var truncated = Encrypt(AppYaml.Replace("prod-db", "other-db", StringComparison.Ordinal), server.Prod);
        repo.WriteBytes("envs/Prod/app.yaml", truncated[..^7]);
        var (b2, a2) = repo.CommitAndPush(new Dictionary<string, string?>());
        var record = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b2, a2) { Modified = ["envs/Prod/app.yaml"] });

        Assert.Equal(SyncState.Failed, record.State);
        var problem = Assert.Single(Assert.Single(record.Files).Problems);
        Assert.StartsWith("envs/Prod/app.yaml rule 'prod-env': cannot decrypt: ", problem);
        Assert.Equal("prod-db", (await server.RedisValuesAsync(repo))["db.host"]);
    }

    private IEnumerable<string> StateFiles() =>
        Directory.EnumerateFiles(Path.Combine(server.Folder, "state"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}git{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
