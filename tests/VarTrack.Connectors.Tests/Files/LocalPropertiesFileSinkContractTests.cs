namespace VarTrack.Connectors.Tests.Files;

public sealed class LocalPropertiesFileSinkContractTests : LocalFileSinkContract
{
    protected override string Format => "properties";
}
