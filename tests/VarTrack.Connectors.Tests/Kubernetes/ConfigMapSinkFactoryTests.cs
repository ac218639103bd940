using VarTrack.Connectors.Kubernetes;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Kubernetes;

/// <summary>Settings of <c>kubernetes_configmap</c>: kubeconfig, context, namespace and labels, and their errors.</summary>
public sealed class ConfigMapSinkFactoryTests(KubernetesTestCluster cluster) : IClassFixture<KubernetesTestCluster>
{
    private static readonly Func<bool> NotInCluster = () => false;

    private static Task<ISink> CreateAsync(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string>? labels = null, string? defaultKubeconfig = null) =>
        new ConfigMapSinkFactory(NotInCluster, () => defaultKubeconfig ?? "/nonexistent/.kube/config").CreateAsync(KubernetesTestCluster.Settings(values, labels));

    [Fact]
    public async Task Namespace_is_required_and_must_be_a_dns_label()
    {
        var missing = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = cluster.Kubeconfig }));
        Assert.EndsWith("setting 'namespace' is required for type kubernetes_configmap", missing.Message);

        var invalid = await Assert.ThrowsAsync<VarTrackException>(() =>
            CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = cluster.Kubeconfig, ["namespace"] = "Prod.Apps" }));
        Assert.Equal("sink 'k8s': setting 'namespace' 'Prod.Apps' is not a valid namespace name: " +
                     "use lowercase letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)", invalid.Message);
        Assert.Equal("k8s", invalid.Problems.Single().Sink);
    }

    [Fact]
    public async Task Labels_must_be_valid_kubernetes_labels_and_managed_by_is_reserved()
    {
        var settings = new Dictionary<string, string> { ["kubeconfig"] = cluster.Kubeconfig, ["namespace"] = cluster.Namespace };

        var badValue = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(settings, new Dictionary<string, string> { ["team"] = "shop floor" }));
        Assert.Equal("sink 'k8s': label 'team' has an invalid value: label values must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
            badValue.Message);

        var badKey = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(settings, new Dictionary<string, string> { ["Bad_Prefix/team"] = "shop" }));
        Assert.StartsWith("sink 'k8s': label 'Bad_Prefix/team' is not a valid label name: its prefix is not valid: ", badKey.Message);

        var tooLong = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(settings, new Dictionary<string, string> { [new string('l', 64)] = "x" }));
        Assert.Contains("the name part must be 1 to 63 letters", tooLong.Message);

        var reserved = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(settings, new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "helm" }));
        Assert.Equal("sink 'k8s': label 'app.kubernetes.io/managed-by' is set by VarTrack (to 'vartrack'); remove it from 'labels'", reserved.Message);

        var fine = await CreateAsync(settings, new Dictionary<string, string> { ["example.com/team"] = "shop", ["empty"] = "" });
        await ((IAsyncDisposable)fine).DisposeAsync();
    }

    [Fact]
    public async Task A_missing_kubeconfig_file_is_named()
    {
        var path = Path.Combine(cluster.Directory.Path, "missing.kubeconfig");
        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = path, ["namespace"] = cluster.Namespace }));
        Assert.Equal($"sink 'k8s': kubeconfig '{path}' (setting 'kubeconfig') does not exist", error.Message);
    }

    [Fact]
    public async Task Without_kubeconfig_outside_a_pod_the_default_file_is_used_and_its_absence_is_explained()
    {
        var absent = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(new Dictionary<string, string> { ["namespace"] = cluster.Namespace }));
        Assert.Equal("sink 'k8s': no kubeconfig: not running in a pod and default kubeconfig '/nonexistent/.kube/config' does not exist; set 'kubeconfig'", absent.Message);

        var sink = (ConfigMapSink)await CreateAsync(new Dictionary<string, string> { ["namespace"] = cluster.Namespace }, defaultKubeconfig: cluster.Kubeconfig);
        await sink.ApplyAsync(new SinkTarget("from-default", "contract", "config/app.yaml"), new Core.Planning.ChangeSet
        {
            Changes = [new Core.Planning.KeyChange("a", Core.Planning.ChangeKind.Add, null, Core.Etl.FlatValue.Text("1"), false)],
            ContentHash = "h",
            OwnedKeysAfter = new HashSet<string> { "a" },
            SecretKeys = new HashSet<string>(),
        }, null);
        Assert.Equal("1", (string?)cluster.Api.Get(cluster.Namespace, "from-default")!["data"]!["a"]);
        await sink.DisposeAsync();
    }

    [Fact]
    public async Task In_a_pod_without_kubeconfig_the_service_account_is_used()
    {
        // No service account files exist here, so the in-cluster path must fail naming that path was taken.
        var factory = new ConfigMapSinkFactory(() => true, () => cluster.Kubeconfig);
        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            factory.CreateAsync(KubernetesTestCluster.Settings(new Dictionary<string, string> { ["namespace"] = cluster.Namespace })));
        Assert.StartsWith("sink 'k8s': running in a pod, but its service account cannot be used: ", error.Message);

        // A kubeconfig setting wins over the pod's service account.
        var sink = await factory.CreateAsync(KubernetesTestCluster.Settings(new Dictionary<string, string> { ["kubeconfig"] = cluster.Kubeconfig, ["namespace"] = cluster.Namespace }));
        await ((IAsyncDisposable)sink).DisposeAsync();
    }

    [Fact]
    public async Task Context_selects_a_context_of_the_kubeconfig_and_an_unknown_one_is_named()
    {
        // Two contexts: the current one points at a dead server, 'fake' at the fake API server.
        var text = File.ReadAllText(cluster.Kubeconfig)
            .Replace("current-context: fake", "current-context: dead", StringComparison.Ordinal)
            .Replace("contexts:\n", "contexts:\n- name: dead\n  context:\n    cluster: dead\n    user: vartrack\n", StringComparison.Ordinal)
            .Replace("clusters:\n", $"clusters:\n- name: dead\n  cluster:\n    server: https://127.0.0.1:{Sinks.TestServices.UnusedPort()}\n    insecure-skip-tls-verify: true\n", StringComparison.Ordinal);
        var path = Path.Combine(cluster.Directory.Path, "two-contexts.kubeconfig");
        File.WriteAllText(path, text);

        var sink = (ConfigMapSink)await CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = path, ["context"] = "fake", ["namespace"] = cluster.Namespace });
        var snapshot = await sink.ReadAsync(new SinkTarget("nothing-here", "contract", "config/app.yaml"));
        Assert.Empty(snapshot.Values);

        var dead = (ConfigMapSink)await CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = path, ["namespace"] = cluster.Namespace });
        var down = await Assert.ThrowsAsync<VarTrackException>(() => dead.ReadAsync(new SinkTarget("nothing-here", "contract", "config/app.yaml")));
        Assert.Contains("(connection refused)", down.Message);

        var unknown = await Assert.ThrowsAsync<VarTrackException>(() =>
            CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = path, ["context"] = "staging", ["namespace"] = cluster.Namespace }));
        Assert.Equal($"sink 'k8s': setting 'context' 'staging' is not a context of kubeconfig '{path}' (setting 'kubeconfig')", unknown.Message);
    }

    [Fact]
    public async Task A_kubeconfig_that_is_not_yaml_or_names_no_server_is_a_setting_error()
    {
        var path = Path.Combine(cluster.Directory.Path, "broken.kubeconfig");
        File.WriteAllText(path, "clusters: [unclosed\n  - {");
        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = path, ["namespace"] = cluster.Namespace }));
        Assert.Equal($"sink 'k8s': kubeconfig '{path}' (setting 'kubeconfig') is not valid YAML at line 2: While parsing a flow sequence, did not find expected ',' or ']'",
            error.Message);

        File.WriteAllText(path, "apiVersion: v1\nkind: Config\n");
        var empty = await Assert.ThrowsAsync<VarTrackException>(() =>
            CreateAsync(new Dictionary<string, string> { ["kubeconfig"] = path, ["namespace"] = cluster.Namespace }));
        Assert.Equal($"sink 'k8s': kubeconfig '{path}' (setting 'kubeconfig') cannot be used: Cannot infer server host url either from context or masterUrl", empty.Message);
    }
}
