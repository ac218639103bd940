namespace VarTrack.Connectors.Tests.Redis;

/// <summary>The sink contract for <c>mode: string</c>.</summary>
public sealed class RedisStringSinkContractTests : RedisSinkContractTests
{
    protected override string Mode => "string";
}
