namespace VarTrack.Connectors.Tests.Redis;

/// <summary>The sink contract for <c>mode: json</c>.</summary>
public sealed class RedisJsonSinkContractTests : RedisSinkContractTests
{
    protected override string Mode => "json";
}
