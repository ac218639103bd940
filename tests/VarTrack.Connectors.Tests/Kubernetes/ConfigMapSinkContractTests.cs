using VarTrack.Connectors.Kubernetes;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Kubernetes;

/// <summary>The shared sink contract for <see cref="ConfigMapSink"/>, through the real KubernetesClient against <see cref="FakeKubernetesApi"/>.</summary>
public sealed class ConfigMapSinkContractTests(KubernetesTestCluster cluster) : SinkContractTests, IClassFixture<KubernetesTestCluster>
{
    protected override string SinkType => ConfigMapSinkFactory.TypeName;

    // ConfigMap keys are [-._a-zA-Z0-9]+ only.
    protected override bool SupportsUnicodeKeys => false;

    protected override async Task<ISink> CreateSinkAsync() => await cluster.CreateSinkAsync();

    protected override string NewDestination() => KubernetesTestCluster.NewName();
}
