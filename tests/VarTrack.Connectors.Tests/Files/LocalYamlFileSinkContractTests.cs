namespace VarTrack.Connectors.Tests.Files;

public sealed class LocalYamlFileSinkContractTests : LocalFileSinkContract
{
    protected override string Format => "yaml";
}
