namespace VarTrack.Connectors.Tests.Files;

public sealed class LocalEnvFileSinkContractTests : LocalFileSinkContract
{
    protected override string Format => "env";

    // A .env key is [A-Za-z_][A-Za-z0-9_.-]*.
    protected override bool SupportsUnicodeKeys => false;
}
