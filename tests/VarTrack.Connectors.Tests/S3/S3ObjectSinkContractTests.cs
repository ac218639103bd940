namespace VarTrack.Connectors.Tests.S3;

/// <summary>The sink contract for <c>mode: object</c>.</summary>
public sealed class S3ObjectSinkContractTests(S3TestBucket bucket) : S3SinkContractTests(bucket), IClassFixture<S3TestBucket>
{
    protected override string Mode => "object";
}
