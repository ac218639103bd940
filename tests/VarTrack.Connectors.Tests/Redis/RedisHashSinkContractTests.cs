namespace VarTrack.Connectors.Tests.Redis;

/// <summary>The sink contract for <c>mode: hash</c>.</summary>
public sealed class RedisHashSinkContractTests : RedisSinkContractTests
{
    protected override string Mode => "hash";
}
