using static VarTrack.Connectors.Tests.Sinks.DirectChanges;
using System.Text.Json.Nodes;
using VarTrack.Connectors.Kubernetes;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.Tests.Vault;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Kubernetes;

/// <summary>
/// What is specific to <see cref="ConfigMapSink"/>: the object users read with kubectl, one request per apply,
/// resourceVersion conflicts, names/keys/size checked before sending, and failures, through the real KubernetesClient
/// against <see cref="FakeKubernetesApi"/>.
/// </summary>
public sealed class ConfigMapSinkTests(KubernetesTestCluster cluster) : IClassFixture<KubernetesTestCluster>
{
    private FakeKubernetesApi Api => cluster.Api;

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private static async Task<SyncReport> SyncAsync(SinkTestHarness harness, SyncJob job, bool succeed = true)
    {
        var report = await harness.Executor().RunAsync(job);
        if (succeed) Assert.True(report.Succeeded, string.Join("; ", report.Sinks.Select(s => s.Error)));
        return report;
    }

    private static Dictionary<string, string?> Strings(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);

    private JsonObject HandMade(string name, JsonObject? data = null, JsonObject? labels = null, JsonObject? annotations = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels, ["annotations"] = annotations },
        ["data"] = data ?? new JsonObject(),
    };

    [Fact]
    public async Task The_configmap_holds_flat_keys_labels_and_the_provenance_annotation()
    {
        var sink = await cluster.CreateSinkAsync(labels: new Dictionary<string, string> { ["team"] = "shop", ["example.com/tier"] = "backend" });
        var harness = new SinkTestHarness(sink, ConfigMapSinkFactory.TypeName);
        var name = KubernetesTestCluster.NewName();
        await SyncAsync(harness, harness.Job(name, Values(("db.host", "db.internal"), ("db.password", "pw-1"), ("optional", null), ("empty", "")),
            secretKeys: new HashSet<string> { "db.password" }));
        await SyncAsync(harness, harness.Job(name, Values(("other_key", "theirs")), file: "config/other.yaml"));

        var stored = Api.Get(cluster.Namespace, name)!;
        Assert.Equal("v1", (string?)stored["apiVersion"]);
        Assert.Equal("ConfigMap", (string?)stored["kind"]);
        Assert.Equal(cluster.Namespace, (string?)stored["metadata"]!["namespace"]);
        Assert.Equal(Values(("db.host", "db.internal"), ("db.password", "pw-1"), ("empty", ""), ("optional", ""), ("other_key", "theirs")), Strings(stored["data"]));
        Assert.Equal(Values(("app.kubernetes.io/managed-by", "vartrack"), ("example.com/tier", "backend"), ("team", "shop")), Strings(stored["metadata"]!["labels"]));
        var annotations = Strings(stored["metadata"]!["annotations"]);
        Assert.Equal(["vartrack.io/provenance"], annotations.Keys);

        var records = ProvenanceJson.ParseSet(System.Text.Encoding.UTF8.GetBytes(annotations["vartrack.io/provenance"]!), "test");
        Assert.Equal(["contract:config/app.yaml", "contract:config/other.yaml"], records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["optional"], records["contract:config/app.yaml"].NullKeys);
        Assert.Equal(["db.password"], records["contract:config/app.yaml"].SecretKeys);
        Assert.Equal(["other_key"], records["contract:config/other.yaml"].OwnedKeys);
        Assert.StartsWith("{\"contract:config/app.yaml\":{\"schema_version\":1,\"rule\":\"contract\",\"tenant\":\"acme\",\"environment\":\"production\"",
            annotations["vartrack.io/provenance"]);

        var mine = await sink.ReadAsync(Target(name));
        Assert.True(mine.Values["optional"].IsNull);
        Assert.False(mine.Values["empty"].IsNull);
        // Another owner sees the stored empty string: null is known only to the owner that wrote it.
        Assert.False((await sink.ReadAsync(Target(name, "config/other.yaml"))).Values["optional"].IsNull);
    }

    [Fact]
    public async Task Each_apply_is_one_write_request_create_then_replace()
    {
        var sink = await cluster.CreateSinkAsync();
        var harness = new SinkTestHarness(sink, ConfigMapSinkFactory.TypeName);
        var name = KubernetesTestCluster.NewName();
        var path = $"/api/v1/namespaces/{cluster.Namespace}/configmaps";

        var before = Api.Requests.Count;
        await SyncAsync(harness, harness.Job(name, Values(("a", "1"), ("b", "2"))));
        Assert.Equal([("GET", $"{path}/{name}"), ("GET", $"{path}/{name}"), ("POST", path)], Api.Requests.Skip(before));

        before = Api.Requests.Count;
        await SyncAsync(harness, harness.Job(name, Values(("a", "10"), ("b", "2"), ("c", "3")), commit: "c2"));
        Assert.Equal([("GET", $"{path}/{name}"), ("GET", $"{path}/{name}"), ("PUT", $"{path}/{name}")], Api.Requests.Skip(before));
    }

    [Fact]
    public async Task Keys_labels_annotations_and_binary_data_of_others_are_kept()
    {
        var name = KubernetesTestCluster.NewName();
        var handMade = HandMade(name, new JsonObject { ["foreign.key"] = "x" }, new JsonObject { ["owner"] = "team-a" }, new JsonObject { ["note"] = "keep me" });
        handMade["binaryData"] = new JsonObject { ["logo.png"] = Convert.ToBase64String([1, 2, 3]) };
        Api.Put(cluster.Namespace, handMade);
        var sink = await cluster.CreateSinkAsync(labels: new Dictionary<string, string> { ["team"] = "shop" });

        var before = await sink.ReadAsync(Target(name));
        Assert.Equal(Values(("foreign.key", "x")), before.Values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
        Assert.Null(before.Provenance);
        await sink.ApplyAsync(Target(name), Upserts(("a", "1")), Record("a"));

        var stored = Api.Get(cluster.Namespace, name)!;
        Assert.Equal(Values(("a", "1"), ("foreign.key", "x")), Strings(stored["data"]));
        Assert.Equal(Values(("app.kubernetes.io/managed-by", "vartrack"), ("owner", "team-a"), ("team", "shop")), Strings(stored["metadata"]!["labels"]));
        Assert.Equal("keep me", (string?)stored["metadata"]!["annotations"]!["note"]);
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), (string?)stored["binaryData"]!["logo.png"]);

        // Emptied of our keys and records, a ConfigMap with binaryData is kept (only what VarTrack alone made is deleted).
        await ((ISink)sink).RestoreAsync(Target(name), before);
        stored = Api.Get(cluster.Namespace, name)!;
        Assert.Equal(Values(("foreign.key", "x")), Strings(stored["data"]));
        Assert.Null(stored["metadata"]!["annotations"]!["vartrack.io/provenance"]);
    }

    [Fact]
    public async Task A_hand_edit_between_read_and_write_is_a_409_reported_as_changed_concurrently_and_is_kept()
    {
        var sink = await cluster.CreateSinkAsync();
        var name = KubernetesTestCluster.NewName();
        await sink.ApplyAsync(Target(name), Upserts(("a", "1")), Record("a"));
        Api.BeforeNextWrite(() => Api.Edit(cluster.Namespace, name, cm => cm["data"]!["hand"] = "edited"));

        var error = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(name), Upserts(("a", "2")), Record("a")));

        Assert.Equal($"configmap '{cluster.Namespace}/{name}' changed concurrently (its resourceVersion moved between read and write); sync again", error.Message);
        Assert.Equal(Values(("a", "1"), ("hand", "edited")), Strings(Api.Get(cluster.Namespace, name)!["data"]));
    }

    [Fact]
    public async Task A_configmap_created_by_someone_else_between_read_and_create_is_not_overwritten()
    {
        var sink = await cluster.CreateSinkAsync();
        var name = KubernetesTestCluster.NewName();
        Api.BeforeNextWrite(() => Api.Put(cluster.Namespace, HandMade(name, new JsonObject { ["theirs"] = "x" })));

        var error = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(name), Upserts(("a", "1")), Record("a")));

        Assert.Equal($"configmap '{cluster.Namespace}/{name}' changed concurrently (someone created it between read and write); sync again", error.Message);
        Assert.Equal(Values(("theirs", "x")), Strings(Api.Get(cluster.Namespace, name)!["data"]));
    }

    [Fact]
    public async Task Keys_a_configmap_cannot_hold_fail_the_sync_naming_each_key_and_nothing_is_written()
    {
        var sink = await cluster.CreateSinkAsync();
        var harness = new SinkTestHarness(sink, ConfigMapSinkFactory.TypeName);
        var name = KubernetesTestCluster.NewName();
        var tooLong = new string('k', 254);
        var writes = Api.WriteCount;

        var report = await SyncAsync(harness, harness.Job(name, Values(("good.key", "1"), ("has space", "2"), ("ключ", "3"), ("..hidden", "4"), (tooLong, "5"), ("a/b", "6"))), succeed: false);

        var error = report.Sinks.Single().Error!;
        Assert.StartsWith($"sink 'primary' (kubernetes_configmap) destination '{name}': ", error);
        Assert.Contains($"configmap '{cluster.Namespace}/{name}': key 'has space' cannot be stored: ConfigMap keys may only hold letters, digits, '-', '_' and '.'; nothing was written", error);
        Assert.Contains("key 'ключ' cannot be stored: ConfigMap keys may only hold letters, digits, '-', '_' and '.'", error);
        Assert.Contains("key 'a/b' cannot be stored", error);
        Assert.Contains("key '..hidden' cannot be stored: ConfigMap keys must not be '.' or start with '..'", error);
        Assert.Contains($"key '{tooLong}' cannot be stored: it is longer than 253 characters", error);
        Assert.DoesNotContain("good.key", error);
        Assert.Equal(writes, Api.WriteCount);
        Assert.Null(Api.Get(cluster.Namespace, name));
    }

    [Theory]
    [InlineData("Upper", "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)")]
    [InlineData("under_score", "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)")]
    [InlineData("-start", "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)")]
    [InlineData("app/config", "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)")]
    [InlineData("", "it is empty")]
    public async Task Invalid_configmap_names_are_refused_before_any_request(string name, string reason)
    {
        var sink = await cluster.CreateSinkAsync();
        var requests = Api.Requests.Count;

        var read = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(name)));
        var apply = await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target(name), Upserts(("a", "1")), Record("a")));

        Assert.Equal($"destination '{name}' is not a valid ConfigMap name: {reason}", read.Message);
        Assert.Equal(read.Message, apply.Message);
        Assert.Equal(requests, Api.Requests.Count);
    }

    [Fact]
    public async Task A_name_of_254_characters_is_refused_and_253_with_dots_is_accepted()
    {
        var sink = await cluster.CreateSinkAsync();
        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(new string('a', 254))));
        Assert.EndsWith("is not a valid ConfigMap name: it is longer than 253 characters", error.Message);

        var longest = string.Join('.', Enumerable.Repeat(new string('b', 62), 4)) + ".c"; // 4*63 + 1 = 253
        Assert.Equal(253, longest.Length);
        await sink.ApplyAsync(Target(longest), Upserts(("a", "1")), Record("a"));
        Assert.NotNull(Api.Get(cluster.Namespace, longest));
    }

    [Fact]
    public async Task Data_over_one_mebibyte_is_refused_before_sending()
    {
        var sink = await cluster.CreateSinkAsync();
        var name = KubernetesTestCluster.NewName();
        var writes = Api.WriteCount;

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(Target(name), Upserts(("big.a", new string('x', 600_000)), ("big.b", new string('y', 500_000))), Record("big.a", "big.b")));

        Assert.Matches($"^configmap '{cluster.Namespace}/{name}' would be 1[0-9]{{6}} bytes, over the 1 MiB \\(1048576 bytes\\) a ConfigMap may hold; nothing was written$", error.Message);
        Assert.Equal(writes, Api.WriteCount);
    }

    [Fact]
    public async Task A_provenance_annotation_over_256_KiB_is_refused_before_sending()
    {
        var sink = await cluster.CreateSinkAsync();
        var name = KubernetesTestCluster.NewName();
        var keys = Enumerable.Range(0, 2_500).Select(i => $"{new string('k', 100)}.{i:D5}").ToArray();
        var writes = Api.WriteCount;

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(Target(name), Upserts(keys.Select(k => (k, (string?)"v")).ToArray()), Record(keys)));

        Assert.Matches($"^configmap '{cluster.Namespace}/{name}': its annotations \\(mostly the vartrack.io/provenance record\\) would be 2[0-9]{{5}} bytes, over the 262144 bytes Kubernetes allows; nothing was written$", error.Message);
        Assert.Equal(writes, Api.WriteCount);
    }

    [Fact]
    public async Task A_corrupt_provenance_annotation_is_a_clear_error_naming_the_configmap()
    {
        var sink = await cluster.CreateSinkAsync();
        var name = KubernetesTestCluster.NewName();
        Api.Put(cluster.Namespace, HandMade(name, new JsonObject { ["a"] = "1" }, annotations: new JsonObject { ["vartrack.io/provenance"] = "{not json" }));

        var notJson = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(name)));
        Assert.StartsWith($"provenance record at configmap '{cluster.Namespace}/{name}' annotation vartrack.io/provenance is not valid: ", notJson.Message);

        Api.Edit(cluster.Namespace, name, cm => cm["metadata"]!["annotations"]!["vartrack.io/provenance"] = "{\"contract:config/app.yaml\": {\"rule\": 5}}");
        var wrongShape = await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target(name), Upserts(("a", "2")), Record("a")));
        Assert.Equal($"provenance record at configmap '{cluster.Namespace}/{name}' annotation vartrack.io/provenance (owner 'contract:config/app.yaml') is not valid: 'rule' must be a string",
            wrongShape.Message);
        Assert.Equal("1", (string?)Api.Get(cluster.Namespace, name)!["data"]!["a"]);
    }

    [Fact]
    public async Task An_immutable_configmap_is_refused_with_a_clear_error()
    {
        var sink = await cluster.CreateSinkAsync();
        var name = KubernetesTestCluster.NewName();
        var handMade = HandMade(name, new JsonObject { ["a"] = "1" });
        handMade["immutable"] = true;
        Api.Put(cluster.Namespace, handMade);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target(name), Upserts(("a", "2")), Record("a")));
        Assert.Equal($"configmap '{cluster.Namespace}/{name}' is immutable (immutable: true); VarTrack cannot change its data", error.Message);
    }

    [Fact]
    public async Task A_configmap_only_vartrack_wrote_is_deleted_when_emptied_and_a_hand_made_one_is_kept()
    {
        var sink = await cluster.CreateSinkAsync();
        var mine = KubernetesTestCluster.NewName();
        await sink.ApplyAsync(Target(mine), Upserts(("a", "1")), Record("a"));
        await ((ISink)sink).RestoreAsync(Target(mine), Snapshot.Empty);
        Assert.Null(Api.Get(cluster.Namespace, mine));

        var handMade = KubernetesTestCluster.NewName();
        Api.Put(cluster.Namespace, HandMade(handMade));
        await sink.ApplyAsync(Target(handMade), Upserts(("a", "1")), Record("a"));
        Api.Edit(cluster.Namespace, handMade, cm => cm["metadata"]!["labels"]!.AsObject().Remove("app.kubernetes.io/managed-by"));
        await ((ISink)sink).RestoreAsync(Target(handMade), Snapshot.Empty);
        var kept = Api.Get(cluster.Namespace, handMade)!;
        Assert.Empty(Strings(kept["data"]));
    }

    [Fact]
    public async Task A_missing_namespace_is_reported_with_the_api_servers_message()
    {
        var sink = await cluster.CreateSinkAsync(@namespace: "no-such-namespace");
        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target("app"), Upserts(("a", "1")), Record("a")));
        Assert.Equal($"configmap 'no-such-namespace/app': the API server at {Api.Address.GetLeftPart(UriPartial.Authority)} answered 404 Not Found: namespaces \"no-such-namespace\" not found",
            error.Message);
    }

    [Fact]
    public async Task API_server_down_names_the_configmap_and_server_and_not_the_token()
    {
        var port = TestServices.UnusedPort();
        var kubeconfig = Api.WriteKubeconfig(cluster.Directory.Path, server: new Uri($"https://127.0.0.1:{port}"), fileName: "down.kubeconfig");
        var sink = await cluster.CreateSinkAsync(kubeconfig: kubeconfig);
        var harness = new SinkTestHarness(sink, ConfigMapSinkFactory.TypeName);

        var report = await SyncAsync(harness, harness.Job("app", Values(("a", "1"))), succeed: false);

        var error = report.Sinks.Single().Error!;
        Assert.Equal($"sink 'primary' (kubernetes_configmap) destination 'app': configmap '{cluster.Namespace}/app': cannot reach the API server at https://127.0.0.1:{port} (connection refused)", error);
        Assert.DoesNotContain(Api.Token, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_401_and_no_token_is_shown()
    {
        const string wrongToken = "vt-wrong-token-Zebra-7781";
        var kubeconfig = Api.WriteKubeconfig(cluster.Directory.Path, token: wrongToken, fileName: "wrong-token.kubeconfig");
        var sink = await cluster.CreateSinkAsync(kubeconfig: kubeconfig);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target("app")));

        Assert.Equal($"configmap '{cluster.Namespace}/app': the API server at {Api.Address.GetLeftPart(UriPartial.Authority)} refused the credentials (401 Unauthorized); " +
                     "check the token or client certificate of the kubeconfig context", error.Message);
        Assert.DoesNotContain(wrongToken, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_certificate_from_another_authority_is_not_trusted()
    {
        using var other = TestCertificates.Create("Some Other CA");
        var kubeconfig = Api.WriteKubeconfig(cluster.Directory.Path, authority: other.Authority, fileName: "other-ca.kubeconfig");
        var sink = await cluster.CreateSinkAsync(kubeconfig: kubeconfig);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target("app")));

        Assert.Equal($"configmap '{cluster.Namespace}/app': cannot reach the API server at {Api.Address.GetLeftPart(UriPartial.Authority)} " +
                     "(TLS handshake failed: the server certificate is not trusted by the kubeconfig's certificate authority)", error.Message);
    }
}
