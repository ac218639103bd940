using System.Net;
using System.Net.Sockets;
using System.Text;
using VarTrack.Connectors.Vault;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Tests.Vault;

public sealed class VaultClientTests
{
    // Distinctive enough that finding it anywhere in a message can only mean a leak.
    private const string Secret = "Zebra-Quokka-7781-hunter2!";
    private const string AppRoleSecretId = "secret-id-Narwhal-5523";

    private static VaultClient TokenClient(FakeVaultServer vault, string? token = null, string? ns = null, TimeSpan? timeout = null) =>
        new(new VaultOptions
        {
            Address = vault.Address,
            Auth = new TokenAuth(new SecretValue(token ?? vault.RootToken)),
            Namespace = ns,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        });

    private static VaultClient AppRoleClient(FakeVaultServer vault, string roleId = "role-1", string secretId = AppRoleSecretId, string? ns = null, TimeProvider? time = null) =>
        new(
            new VaultOptions { Address = vault.Address, Auth = new AppRoleAuth(roleId, new SecretValue(secretId)), Namespace = ns },
            timeProvider: time);

    private static Dictionary<string, SecretValue> Data(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => new SecretValue(p.Value));

    private static Dictionary<string, string> Reveal(IReadOnlyDictionary<string, SecretValue> data) =>
        data.ToDictionary(p => p.Key, p => p.Value.Reveal());

    private static void AssertNoLeak(Exception exception, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, exception.ToString(), StringComparison.Ordinal);
        }
    }

    // ---- read and write ----

    [Fact]
    public async Task Write_then_read_gives_the_exact_values_and_version_metadata()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var written = await client.WriteSecretAsync("secret", "app/db", Data(
            ("password", Secret),
            ("unicode", "päss wörd ✓ \"quoted\" <tag> & 'single'"),
            ("multiline", "line1\nline2\ttab"),
            ("empty", "")));
        var read = await client.ReadSecretAsync("secret", "app/db");

        Assert.Equal(1, written.Version);
        Assert.Null(written.DeletionTime);
        Assert.False(written.Destroyed);
        Assert.InRange(written.CreatedTime, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.NotNull(read);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["password"] = Secret,
                ["unicode"] = "päss wörd ✓ \"quoted\" <tag> & 'single'",
                ["multiline"] = "line1\nline2\ttab",
                ["empty"] = "",
            },
            Reveal(read.Data));
        Assert.Equal(written, read.Metadata);
    }

    [Fact]
    public async Task Each_write_makes_a_new_version_and_old_versions_stay_readable()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);

        await client.WriteSecretAsync("secret", "app/db", Data(("password", "one")));
        var second = await client.WriteSecretAsync("secret", "app/db", Data(("password", "two")));

        Assert.Equal(2, second.Version);
        Assert.Equal("two", (await client.ReadSecretAsync("secret", "app/db"))!.Data["password"].Reveal());
        var first = await client.ReadSecretAsync("secret", "app/db", version: 1);
        Assert.Equal("one", first!.Data["password"].Reveal());
        Assert.Equal(1, first.Metadata.Version);
        Assert.Null(await client.ReadSecretAsync("secret", "app/db", version: 3));
    }

    [Fact]
    public async Task Reading_a_missing_secret_gives_null()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);

        Assert.Null(await client.ReadSecretAsync("secret", "no/such/secret"));
        Assert.Null(await client.ReadMetadataAsync("secret", "no/such/secret"));
    }

    [Fact]
    public async Task An_unknown_mount_is_an_error_not_a_missing_secret()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);

        var read = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("nope", "app/db"));
        var list = await Assert.ThrowsAsync<VaultException>(() => client.ListAsync("nope", "app"));

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("vault returned 404 for nope/data/app/db: no handler for route \"nope/data/app/db\". route entry not found.", read.Message);
        Assert.Equal("nope/metadata/app", list.Path);
    }

    [Fact]
    public async Task Path_segments_are_escaped_one_by_one()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddMount("team/kv");
        using var client = TokenClient(vault);

        await client.WriteSecretAsync("team/kv", "odd names/a b?c#d%e+f", Data(("k", "v")));

        Assert.Equal("v", (await client.ReadSecretAsync("team/kv", "/odd names/a b?c#d%e+f/"))!.Data["k"].Reveal());
        Assert.Equal(["a b?c#d%e+f"], await client.ListAsync("team/kv", "odd names"));
        Assert.Equal(["odd names/"], await client.ListAsync("team/kv", ""));
    }

    [Fact]
    public async Task Values_another_writer_stored_as_json_non_strings_are_read_as_their_json_text()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var raw = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(vault.Address, "/v1/secret/data/typed"))
        {
            Content = new StringContent("""{"data":{"port":5432,"tls":true,"nested":{"a":1},"none":null,"text":"x"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Vault-Token", vault.RootToken);
        request.Headers.Add("X-Vault-Request", "true");
        (await raw.SendAsync(request)).EnsureSuccessStatusCode();
        using var client = TokenClient(vault);

        var read = await client.ReadSecretAsync("secret", "typed");

        Assert.Equal(
            new Dictionary<string, string> { ["port"] = "5432", ["tls"] = "true", ["nested"] = """{"a":1}""", ["none"] = "null", ["text"] = "x" },
            Reveal(read!.Data));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("app//db")]
    [InlineData("app/../db")]
    [InlineData("./db")]
    public async Task Bad_secret_paths_are_refused_before_any_request(string path)
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);

        await Assert.ThrowsAsync<ArgumentException>(() => client.ReadSecretAsync("secret", path));
        await Assert.ThrowsAsync<ArgumentException>(() => client.WriteSecretAsync("secret", path, Data(("k", "v"))));
        await Assert.ThrowsAsync<ArgumentException>(() => client.ReadSecretAsync("", "app/db"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ReadSecretAsync("secret", "app/db", version: 0));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteVersionsAsync("secret", "app/db", []));
        Assert.Equal(0, vault.RequestCount);
    }

    // ---- check-and-set ----

    [Fact]
    public async Task Check_and_set_writes_only_over_the_expected_version()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);

        var created = await client.WriteSecretAsync("secret", "app/db", Data(("password", "one")), cas: 0);
        var again = await Assert.ThrowsAsync<VaultCasMismatchException>(
            () => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)), cas: 0));
        var updated = await client.WriteSecretAsync("secret", "app/db", Data(("password", "two")), cas: 1);
        var stale = await Assert.ThrowsAsync<VaultCasMismatchException>(
            () => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)), cas: 1));

        Assert.Equal(1, created.Version);
        Assert.Equal(2, updated.Version);
        Assert.Equal(0, again.ExpectedVersion);
        Assert.Equal(1, stale.ExpectedVersion);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Equal("secret/data/app/db", stale.Path);
        Assert.Equal("vault returned 400 for secret/data/app/db: check-and-set parameter did not match the current version (cas 1)", stale.Message);
        AssertNoLeak(stale, Secret, vault.RootToken);
        Assert.Equal("two", (await client.ReadSecretAsync("secret", "app/db"))!.Data["password"].Reveal());
    }

    [Fact]
    public async Task A_key_that_requires_check_and_set_refuses_a_plain_write()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        await client.WriteMetadataAsync("secret", "app/db", casRequired: true);

        var error = await Assert.ThrowsAsync<VaultException>(() => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret))));
        var written = await client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)), cas: 0);

        Assert.IsNotType<VaultCasMismatchException>(error);
        Assert.Equal("vault returned 400 for secret/data/app/db: check-and-set parameter required for this call", error.Message);
        Assert.Equal(1, written.Version);
        Assert.True((await client.ReadMetadataAsync("secret", "app/db"))!.CasRequired);
    }

    // ---- list ----

    [Fact]
    public async Task List_gives_keys_and_folders_directly_under_a_path()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        foreach (var path in new[] { "app/db", "app/api/key", "app/api/cert", "app", "other/x" })
        {
            await client.WriteSecretAsync("secret", path, Data(("k", "v")));
        }

        Assert.Equal(["api/", "db"], await client.ListAsync("secret", "app"));
        Assert.Equal(["api/", "db"], await client.ListAsync("secret", "app/"));
        Assert.Equal(["cert", "key"], await client.ListAsync("secret", "app/api"));
        Assert.Equal(["app", "app/", "other/"], await client.ListAsync("secret", ""));
        Assert.Empty(await client.ListAsync("secret", "nothing/here"));
    }

    [Fact]
    public async Task The_fake_answers_the_list_verb_and_list_query_alike()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using (var client = TokenClient(vault))
        {
            await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));
        }

        using var raw = new HttpClient();
        async Task<string> Send(HttpMethod method, string url)
        {
            using var request = new HttpRequestMessage(method, new Uri(vault.Address, url));
            request.Headers.Add("X-Vault-Token", vault.RootToken);
            request.Headers.Add("X-Vault-Request", "true");
            using var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        var byVerb = await Send(new HttpMethod("LIST"), "/v1/secret/metadata/app");
        var byQuery = await Send(HttpMethod.Get, "/v1/secret/metadata/app/?list=true");

        Assert.Contains("\"keys\":[\"db\"]", byVerb, StringComparison.Ordinal);
        Assert.Contains("\"keys\":[\"db\"]", byQuery, StringComparison.Ordinal);
    }

    // ---- metadata, delete, undelete, destroy ----

    [Fact]
    public async Task Metadata_reports_every_version_and_the_key_settings()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        for (var i = 1; i <= 3; i++)
        {
            await client.WriteSecretAsync("secret", "app/db", Data(("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        await client.DeleteVersionsAsync("secret", "app/db", [2]);
        await client.DestroyVersionsAsync("secret", "app/db", [1]);
        await client.WriteMetadataAsync("secret", "app/db", maxVersions: 5, customMetadata: new Dictionary<string, string> { ["owner"] = "team-a" });

        var metadata = await client.ReadMetadataAsync("secret", "app/db");

        Assert.NotNull(metadata);
        Assert.Equal(3, metadata.CurrentVersion);
        Assert.Equal(0, metadata.OldestVersion);
        Assert.Equal(5, metadata.MaxVersions);
        Assert.False(metadata.CasRequired);
        Assert.Equal("0s", metadata.DeleteVersionAfter);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "team-a" }, metadata.CustomMetadata);
        Assert.Equal([1, 2, 3], metadata.Versions.Keys);
        Assert.True(metadata.Versions[1].Destroyed);
        Assert.Null(metadata.Versions[1].DeletionTime);
        Assert.False(metadata.Versions[2].Destroyed);
        Assert.NotNull(metadata.Versions[2].DeletionTime);
        Assert.Equal(new KvVersionMetadata(3, metadata.Versions[3].CreatedTime, null, false), metadata.Versions[3]);
        Assert.True(metadata.UpdatedTime >= metadata.CreatedTime);
    }

    [Fact]
    public async Task Max_versions_trims_the_oldest_versions()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        await client.WriteMetadataAsync("secret", "app/db", maxVersions: 2);
        for (var i = 1; i <= 3; i++)
        {
            await client.WriteSecretAsync("secret", "app/db", Data(("n", "x")));
        }

        var metadata = await client.ReadMetadataAsync("secret", "app/db");

        Assert.Equal([2, 3], metadata!.Versions.Keys);
        Assert.Equal(2, metadata.OldestVersion);
        Assert.Null(await client.ReadSecretAsync("secret", "app/db", version: 1));
    }

    [Fact]
    public async Task Delete_latest_hides_the_secret_until_undeleted()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", "one")));
        await client.WriteSecretAsync("secret", "app/db", Data(("password", "two")));

        await client.DeleteLatestAsync("secret", "app/db");

        Assert.Null(await client.ReadSecretAsync("secret", "app/db"));
        Assert.Equal("one", (await client.ReadSecretAsync("secret", "app/db", version: 1))!.Data["password"].Reveal());
        var metadata = await client.ReadMetadataAsync("secret", "app/db");
        Assert.NotNull(metadata!.Versions[2].DeletionTime);
        Assert.Null(metadata.Versions[1].DeletionTime);
        Assert.Equal(["db"], await client.ListAsync("secret", "app"));

        await client.UndeleteVersionsAsync("secret", "app/db", [2]);

        Assert.Equal("two", (await client.ReadSecretAsync("secret", "app/db"))!.Data["password"].Reveal());
        Assert.Null((await client.ReadSecretAsync("secret", "app/db"))!.Metadata.DeletionTime);
    }

    [Fact]
    public async Task Deleting_a_missing_secret_is_not_an_error()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);

        await client.DeleteLatestAsync("secret", "no/such");
        await client.DeleteVersionsAsync("secret", "no/such", [1]);
        await client.DeleteMetadataAsync("secret", "no/such");
    }

    [Fact]
    public async Task Delete_versions_and_undelete_versions_touch_only_the_given_versions()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        for (var i = 1; i <= 3; i++)
        {
            await client.WriteSecretAsync("secret", "app/db", Data(("n", "x")));
        }

        await client.DeleteVersionsAsync("secret", "app/db", [1, 3]);

        Assert.Null(await client.ReadSecretAsync("secret", "app/db", version: 1));
        Assert.NotNull(await client.ReadSecretAsync("secret", "app/db", version: 2));
        Assert.Null(await client.ReadSecretAsync("secret", "app/db"));

        await client.UndeleteVersionsAsync("secret", "app/db", [1]);

        Assert.NotNull(await client.ReadSecretAsync("secret", "app/db", version: 1));
        Assert.Null(await client.ReadSecretAsync("secret", "app/db", version: 3));
    }

    [Fact]
    public async Task Destroyed_versions_cannot_be_undeleted()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)));
        await client.WriteSecretAsync("secret", "app/db", Data(("password", "two")));

        await client.DestroyVersionsAsync("secret", "app/db", [1]);
        await client.UndeleteVersionsAsync("secret", "app/db", [1]);

        Assert.Null(await client.ReadSecretAsync("secret", "app/db", version: 1));
        Assert.True((await client.ReadMetadataAsync("secret", "app/db"))!.Versions[1].Destroyed);
        Assert.Equal("two", (await client.ReadSecretAsync("secret", "app/db"))!.Data["password"].Reveal());
    }

    [Fact]
    public async Task Delete_metadata_removes_every_version_and_the_key()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = TokenClient(vault);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", "one")));
        await client.WriteSecretAsync("secret", "app/db", Data(("password", "two")));

        await client.DeleteMetadataAsync("secret", "app/db");

        Assert.Null(await client.ReadSecretAsync("secret", "app/db"));
        Assert.Null(await client.ReadSecretAsync("secret", "app/db", version: 1));
        Assert.Null(await client.ReadMetadataAsync("secret", "app/db"));
        Assert.Empty(await client.ListAsync("secret", "app"));
        Assert.Equal(1, (await client.WriteSecretAsync("secret", "app/db", Data(("password", "three")), cas: 0)).Version);
    }

    // ---- token auth ----

    [Fact]
    public async Task A_wrong_token_is_refused_with_403_naming_the_path_and_never_the_token()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        const string wrongToken = "hvs.wrong-Platypus-1234";
        using var client = TokenClient(vault, token: wrongToken);

        var error = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("secret", "app/db"));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("secret/data/app/db", error.Path);
        Assert.Equal("vault returned 403 for secret/data/app/db: permission denied", error.Message);
        AssertNoLeak(error, wrongToken, vault.RootToken);
    }

    [Fact]
    public async Task A_revoked_token_stops_working()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AcceptToken("hvs.short-lived-token");
        using var client = TokenClient(vault, token: "hvs.short-lived-token");
        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));

        vault.RevokeToken("hvs.short-lived-token");

        var error = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("secret", "app/db"));
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task Every_request_carries_the_vault_headers()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var recorder = new RecordingHandler();
        using var client = new VaultClient(
            new VaultOptions { Address = vault.Address, Auth = new TokenAuth(new SecretValue(vault.RootToken)), Namespace = "team-a" },
            recorder);

        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));
        await client.ReadSecretAsync("secret", "app/db");

        Assert.Equal(2, recorder.Requests.Count);
        Assert.All(recorder.Requests, request =>
        {
            Assert.Equal(vault.RootToken, request.Headers["X-Vault-Token"]);
            Assert.Equal("team-a", request.Headers["X-Vault-Namespace"]);
            Assert.Equal("true", request.Headers["X-Vault-Request"]);
        });
        Assert.Equal("POST /v1/secret/data/app/db", recorder.Requests[0].Line);
        Assert.Equal("GET /v1/secret/data/app/db", recorder.Requests[1].Line);
    }

    // ---- AppRole ----

    [Fact]
    public async Task AppRole_logs_in_lazily_once_and_reuses_the_token()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId);
        using var client = AppRoleClient(vault);

        Assert.Equal(0, vault.LoginCount);
        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));
        await client.ReadSecretAsync("secret", "app/db");
        await client.ListAsync("secret", "app");

        Assert.Equal(1, vault.LoginCount);
        Assert.Equal(4, vault.RequestCount);
    }

    [Fact]
    public async Task AppRole_logs_in_once_for_many_concurrent_requests()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId);
        using var client = AppRoleClient(vault);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.WriteSecretAsync("secret", $"app/s{i}", Data(("k", "v")))));

        Assert.Equal(1, vault.LoginCount);
        Assert.Equal(20, (await client.ListAsync("secret", "app")).Count);
    }

    [Fact]
    public async Task AppRole_logs_in_again_before_the_lease_runs_out()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var vault = await FakeVaultServer.StartAsync(time: clock);
        vault.AppRoleTokenTtl = TimeSpan.FromSeconds(60);
        vault.AddAppRole("role-1", AppRoleSecretId);
        using var client = AppRoleClient(vault, time: clock);

        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));
        clock.Advance(TimeSpan.FromSeconds(30));
        await client.ReadSecretAsync("secret", "app/db");
        Assert.Equal(1, vault.LoginCount);

        clock.Advance(TimeSpan.FromSeconds(15));
        var requestsBefore = vault.RequestCount;
        await client.ReadSecretAsync("secret", "app/db");

        // A fresh login then the read: no 403 round trip, the old token was replaced before it expired.
        Assert.Equal(2, vault.LoginCount);
        Assert.Equal(requestsBefore + 2, vault.RequestCount);
    }

    [Fact]
    public async Task AppRole_logs_in_again_once_when_the_token_is_revoked_or_expired()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId);
        using var client = AppRoleClient(vault);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)));

        vault.RevokeIssuedTokens();
        var read = await client.ReadSecretAsync("secret", "app/db");

        Assert.Equal(Secret, read!.Data["password"].Reveal());
        Assert.Equal(2, vault.LoginCount);
    }

    [Fact]
    public async Task AppRole_tokens_expire_on_the_server_and_the_client_recovers()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var vault = await FakeVaultServer.StartAsync(time: clock);
        vault.AppRoleTokenTtl = TimeSpan.FromSeconds(60);
        vault.AddAppRole("role-1", AppRoleSecretId);
        // The client's clock lags: it still thinks the token is fresh when the server has expired it.
        using var client = AppRoleClient(vault, time: new ManualClock(DateTimeOffset.UtcNow));
        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));

        clock.Advance(TimeSpan.FromSeconds(61));
        await client.ReadSecretAsync("secret", "app/db");

        Assert.Equal(2, vault.LoginCount);
    }

    [Fact]
    public async Task AppRole_a_real_permission_denial_fails_after_one_new_login()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId);
        vault.InjectFault("secret/data/locked", 403, "permission denied");
        using var client = AppRoleClient(vault);

        var error = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("secret", "locked"));

        Assert.Equal("vault returned 403 for secret/data/locked: permission denied", error.Message);
        Assert.Equal(2, vault.LoginCount);
        AssertNoLeak(error, [AppRoleSecretId, .. vault.IssuedTokens]);
    }

    [Fact]
    public async Task AppRole_a_bad_secret_id_fails_without_showing_it()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId);
        const string wrongSecretId = "wrong-secret-id-Wombat-9912";
        using var client = AppRoleClient(vault, secretId: wrongSecretId);

        var error = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("secret", "app/db"));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("auth/approle/login", error.Path);
        Assert.Equal("vault returned 400 for auth/approle/login: invalid role or secret ID", error.Message);
        AssertNoLeak(error, wrongSecretId, AppRoleSecretId);
    }

    [Fact]
    public async Task AppRole_on_a_custom_auth_mount()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId, mount: "ci/approle");
        using var client = new VaultClient(new VaultOptions
        {
            Address = vault.Address,
            Auth = new AppRoleAuth("role-1", new SecretValue(AppRoleSecretId), Mount: "ci/approle"),
        });

        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));

        Assert.Equal(1, vault.LoginCount);
    }

    // ---- namespaces ----

    [Fact]
    public async Task Namespaces_keep_separate_secrets()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var teamA = TokenClient(vault, ns: "team-a");
        using var teamB = TokenClient(vault, ns: "team-b/");
        using var root = TokenClient(vault);

        await teamA.WriteSecretAsync("secret", "app/db", Data(("password", "a")));
        await teamB.WriteSecretAsync("secret", "app/db", Data(("password", "b")));

        Assert.Equal("a", (await teamA.ReadSecretAsync("secret", "app/db"))!.Data["password"].Reveal());
        Assert.Equal("b", (await teamB.ReadSecretAsync("secret", "app/db"))!.Data["password"].Reveal());
        Assert.Null(await root.ReadSecretAsync("secret", "app/db"));
        Assert.Empty(await root.ListAsync("secret", ""));
        await teamA.DeleteMetadataAsync("secret", "app/db");
        Assert.NotNull(await teamB.ReadSecretAsync("secret", "app/db"));
    }

    [Fact]
    public async Task AppRole_logins_and_tokens_belong_to_their_namespace()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId, @namespace: "team-a");
        using var inTeamA = AppRoleClient(vault, ns: "team-a");
        using var inRoot = AppRoleClient(vault);

        await inTeamA.WriteSecretAsync("secret", "app/db", Data(("k", "v")));
        var error = await Assert.ThrowsAsync<VaultException>(() => inRoot.ReadSecretAsync("secret", "app/db"));

        Assert.Equal("vault returned 400 for auth/approle/login: invalid role or secret ID", error.Message);
        Assert.Equal(1, vault.LoginCount);
    }

    // ---- errors ----

    [Theory]
    [InlineData(500, "internal error", "vault returned 500 for secret/data/app/db: internal error")]
    [InlineData(503, "Vault is sealed", "vault returned 503 for secret/data/app/db: Vault is sealed")]
    [InlineData(403, "1 error occurred:\n\t* permission denied\n\n", "vault returned 403 for secret/data/app/db: permission denied")]
    [InlineData(400, "2 errors occurred:\n\t* first\n\t* second\n\n", "vault returned 400 for secret/data/app/db: first; second")]
    public async Task Errors_name_the_path_and_status_and_give_vaults_reason_on_one_line(int status, string vaultError, string expected)
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectFault("secret/data/app/db", status, vaultError);
        using var client = TokenClient(vault);

        var error = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("secret", "app/db"));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("secret/data/app/db", error.Path);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task Every_method_reports_failures_with_its_own_api_path()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectFault("secret/*", 500, "boom");
        using var client = TokenClient(vault);

        var failures = new (Func<Task> Call, string Path)[]
        {
            (() => client.ReadSecretAsync("secret", "app/db"), "secret/data/app/db"),
            (() => client.WriteSecretAsync("secret", "app/db", Data(("k", "v"))), "secret/data/app/db"),
            (() => client.WriteSecretAsync("secret", "app/db", Data(("k", "v")), cas: 3), "secret/data/app/db"),
            (() => client.ListAsync("secret", "app"), "secret/metadata/app"),
            (() => client.ReadMetadataAsync("secret", "app/db"), "secret/metadata/app/db"),
            (() => client.WriteMetadataAsync("secret", "app/db", maxVersions: 3), "secret/metadata/app/db"),
            (() => client.DeleteLatestAsync("secret", "app/db"), "secret/data/app/db"),
            (() => client.DeleteVersionsAsync("secret", "app/db", [1]), "secret/delete/app/db"),
            (() => client.UndeleteVersionsAsync("secret", "app/db", [1]), "secret/undelete/app/db"),
            (() => client.DestroyVersionsAsync("secret", "app/db", [1]), "secret/destroy/app/db"),
            (() => client.DeleteMetadataAsync("secret", "app/db"), "secret/metadata/app/db"),
        };

        foreach (var (call, path) in failures)
        {
            var error = await Assert.ThrowsAsync<VaultException>(call);
            Assert.Equal($"vault returned 500 for {path}: boom", error.Message);
            Assert.Equal(path, error.Path);
        }
    }

    [Fact]
    public async Task Errors_never_repeat_the_values_or_token_even_when_the_server_echoes_the_request()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddAppRole("role-1", AppRoleSecretId);
        vault.InjectFault("secret/data/app/db", 400, "bad request", echoRequestBody: true);
        vault.InjectFault("auth/approle/login", 500, "login broke", times: 1, echoRequestBody: true);
        using var client = AppRoleClient(vault);

        var loginError = await Assert.ThrowsAsync<VaultException>(() => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret))));
        var writeError = await Assert.ThrowsAsync<VaultException>(() => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret))));

        Assert.StartsWith("vault returned 500 for auth/approle/login: login broke; request was ", loginError.Message, StringComparison.Ordinal);
        Assert.StartsWith("vault returned 400 for secret/data/app/db: bad request; request was ", writeError.Message, StringComparison.Ordinal);
        Assert.Contains("***", writeError.Message, StringComparison.Ordinal);
        AssertNoLeak(loginError, AppRoleSecretId);
        AssertNoLeak(writeError, [Secret, AppRoleSecretId, .. vault.IssuedTokens]);
    }

    [Fact]
    public async Task Echoed_values_with_line_breaks_or_beyond_the_message_limit_are_scrubbed_whole()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectFault("secret/data/app/db", 400, "bad request", echoRequestBody: true);
        using var client = TokenClient(vault);
        var multiline = "first line\n\t  second <ü> & " + Secret;
        var longValue = new string('L', 600) + Secret;

        var error = await Assert.ThrowsAsync<VaultException>(
            () => client.WriteSecretAsync("secret", "app/db", Data(("a", multiline), ("b", longValue))));

        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("LLLLLLLLLL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("second", error.Message, StringComparison.Ordinal);
        AssertNoLeak(error, Secret);
    }

    [Fact]
    public async Task No_exception_from_any_failure_shows_a_secret_or_token()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectFault("secret/data/broken", 500, "boom");
        vault.InjectFault("secret/data/echo", 502, "proxy", echoRequestBody: true);
        using var client = TokenClient(vault);
        using var wrongToken = TokenClient(vault, token: "hvs.wrong-" + Secret);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)), cas: 0);

        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<VaultCasMismatchException>(() => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)), cas: 0)),
            await Assert.ThrowsAsync<VaultException>(() => client.WriteSecretAsync("secret", "broken", Data(("password", Secret)))),
            await Assert.ThrowsAsync<VaultException>(() => client.WriteSecretAsync("secret", "echo", Data(("password", Secret)))),
            await Assert.ThrowsAsync<VaultException>(() => wrongToken.ReadSecretAsync("secret", "app/db")),
            await Assert.ThrowsAsync<VaultException>(() => wrongToken.WriteSecretAsync("secret", "app/db", Data(("password", Secret)))),
        };

        Assert.All(errors, error => AssertNoLeak(error, Secret, vault.RootToken));
    }

    [Fact]
    public async Task An_unreachable_vault_is_named_with_its_address_and_the_path()
    {
        var port = FreePort();
        using var client = new VaultClient(new VaultOptions
        {
            Address = new Uri($"http://user:{Secret}@127.0.0.1:{port}"),
            Auth = new TokenAuth(new SecretValue(Secret)),
        });

        var error = await Assert.ThrowsAsync<VaultException>(() => client.WriteSecretAsync("secret", "app/db", Data(("password", Secret))));

        Assert.Null(error.StatusCode);
        Assert.Equal("secret/data/app/db", error.Path);
        Assert.StartsWith($"vault at http://127.0.0.1:{port} is unreachable for secret/data/app/db: ", error.Message, StringComparison.Ordinal);
        AssertNoLeak(error, Secret);
    }

    [Fact]
    public async Task A_slow_vault_fails_after_the_timeout()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectDelay("secret/data/app/db", TimeSpan.FromSeconds(5));
        using var client = TokenClient(vault, timeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<VaultException>(() => client.ReadSecretAsync("secret", "app/db"));

        Assert.Null(error.StatusCode);
        Assert.Equal($"vault at {client.Address} did not answer secret/data/app/db within 0.3 s", error.Message);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_stays_a_cancellation()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectDelay("secret/data/app/db", TimeSpan.FromSeconds(5));
        using var client = TokenClient(vault);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadSecretAsync("secret", "app/db", cancellationToken: cancel.Token));
    }

    [Fact]
    public void Options_and_auth_print_no_secret()
    {
        var token = new VaultOptions { Address = new Uri("http://127.0.0.1:8200"), Auth = new TokenAuth(new SecretValue(Secret)) };
        var appRole = token with { Auth = new AppRoleAuth("role-1", new SecretValue(AppRoleSecretId)) };

        Assert.DoesNotContain(Secret, token.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AppRoleSecretId, appRole.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", appRole.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_address_drops_user_info_and_keeps_a_path_prefix()
    {
        using var client = new VaultClient(new VaultOptions
        {
            Address = new Uri("https://user:pw@vault.example.com:8443/proxy/vault/"),
            Auth = new TokenAuth(new SecretValue("t")),
        });

        Assert.Equal("https://vault.example.com:8443/proxy/vault", client.Address);
    }

    // ---- TLS ----

    [Fact]
    public async Task Tls_with_the_private_ca_file_is_trusted()
    {
        using var certificates = TestCertificates.Create();
        using var directory = new TemporaryDirectory();
        await using var vault = await FakeVaultServer.StartAsync(certificates.Server);
        using var client = new VaultClient(new VaultOptions
        {
            Address = vault.Address,
            Auth = new TokenAuth(new SecretValue(vault.RootToken)),
            CaCertificatePath = certificates.WriteAuthorityPem(directory.Path),
        });

        await client.WriteSecretAsync("secret", "app/db", Data(("k", "v")));

        Assert.Equal("https", vault.Address.Scheme);
        Assert.Equal("v", (await client.ReadSecretAsync("secret", "app/db"))!.Data["k"].Reveal());
    }

    [Fact]
    public async Task Tls_with_an_untrusted_certificate_fails_without_skip_verify()
    {
        using var certificates = TestCertificates.Create();
        using var otherAuthority = TestCertificates.Create("Some Other CA");
        using var directory = new TemporaryDirectory();
        await using var vault = await FakeVaultServer.StartAsync(certificates.Server);
        var options = new VaultOptions { Address = vault.Address, Auth = new TokenAuth(new SecretValue(vault.RootToken)) };
        using var systemTrust = new VaultClient(options);
        using var wrongAuthority = new VaultClient(options with { CaCertificatePath = otherAuthority.WriteAuthorityPem(directory.Path) });
        using var skipVerify = new VaultClient(options with { SkipTlsVerify = true });

        var systemError = await Assert.ThrowsAsync<VaultException>(() => systemTrust.ReadSecretAsync("secret", "app/db"));
        var wrongError = await Assert.ThrowsAsync<VaultException>(() => wrongAuthority.ReadSecretAsync("secret", "app/db"));

        Assert.StartsWith($"vault at {systemTrust.Address} is unreachable for secret/data/app/db: The SSL connection could not be established", systemError.Message, StringComparison.Ordinal);
        Assert.Null(wrongError.StatusCode);
        Assert.Contains("SSL", wrongError.Message, StringComparison.Ordinal);
        Assert.Null(await skipVerify.ReadSecretAsync("secret", "app/db"));
    }

    [Fact]
    public void A_missing_or_empty_ca_file_is_refused_when_the_client_is_built()
    {
        using var directory = new TemporaryDirectory();
        var empty = System.IO.Path.Combine(directory.Path, "empty.pem");
        File.WriteAllText(empty, "not a certificate");
        var options = new VaultOptions { Address = new Uri("https://127.0.0.1:8200"), Auth = new TokenAuth(new SecretValue("t")) };

        var missing = Assert.Throws<ArgumentException>(() => new VaultClient(options with { CaCertificatePath = System.IO.Path.Combine(directory.Path, "nope.pem") }));
        var noCertificate = Assert.Throws<ArgumentException>(() => new VaultClient(options with { CaCertificatePath = empty }));

        Assert.StartsWith("cannot read the vault CA certificate file", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith($"the vault CA certificate file '{empty}' holds no PEM certificate", noCertificate.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
