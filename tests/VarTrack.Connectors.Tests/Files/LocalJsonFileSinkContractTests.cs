namespace VarTrack.Connectors.Tests.Files;

public sealed class LocalJsonFileSinkContractTests : LocalFileSinkContract
{
    protected override string Format => "json";
}
