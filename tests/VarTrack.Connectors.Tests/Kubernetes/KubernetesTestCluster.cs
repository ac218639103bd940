using VarTrack.Connectors.Kubernetes;
using VarTrack.Connectors.Tests.Vault;
using VarTrack.Core.Config;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.Kubernetes;

/// <summary>
/// One <see cref="FakeKubernetesApi"/> per test class, its TLS certificates and a kubeconfig pointing at it; sinks are
/// built through <see cref="ConfigMapSinkFactory"/> from settings, as the product builds them.
/// </summary>
public sealed class KubernetesTestCluster : IAsyncLifetime
{
    private TestCertificates? _certificates;

    public FakeKubernetesApi Api { get; private set; } = null!;

    public TemporaryDirectory Directory { get; } = new();

    public string Kubeconfig { get; private set; } = "";

    /// <summary>A namespace only this class uses.</summary>
    public string Namespace { get; } = "vt-" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        _certificates = TestCertificates.Create("VarTrack Fake Kubernetes CA");
        Api = await FakeKubernetesApi.StartAsync(_certificates.Server, _certificates.Authority);
        Api.AddNamespace(Namespace);
        Kubeconfig = Api.WriteKubeconfig(Directory.Path);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        _certificates?.Dispose();
        Directory.Dispose();
    }

    public static SinkSettings Settings(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string>? labels = null, string name = "k8s") =>
        SinkSettings.FromText(
            new SinkDefinition(name, ConfigMapSinkFactory.TypeName, TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>())
            {
                Labels = labels ?? new Dictionary<string, string>(),
            },
            values);

    /// <summary>A sink on this cluster's namespace (or the given settings' overrides).</summary>
    public async Task<ConfigMapSink> CreateSinkAsync(IReadOnlyDictionary<string, string>? labels = null, string? kubeconfig = null, string? @namespace = null)
    {
        var settings = Settings(new Dictionary<string, string>
        {
            ["kubeconfig"] = kubeconfig ?? Kubeconfig,
            ["namespace"] = @namespace ?? Namespace,
        }, labels);
        return (ConfigMapSink)await new ConfigMapSinkFactory().CreateAsync(settings);
    }

    public static string NewName() => "vt-" + Guid.NewGuid().ToString("N")[..16];
}
