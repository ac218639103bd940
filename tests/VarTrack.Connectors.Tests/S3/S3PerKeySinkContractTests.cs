namespace VarTrack.Connectors.Tests.S3;

/// <summary>The sink contract for <c>mode: per_key</c>.</summary>
public sealed class S3PerKeySinkContractTests(S3TestBucket bucket) : S3SinkContractTests(bucket), IClassFixture<S3TestBucket>
{
    protected override string Mode => "per_key";

    // One object per key against s3rver (a Node server writing three files per object) makes 10,000 keys take minutes;
    // 2,500 still spans three listing pages.
    protected override int LargeKeyCount => 2_500;
}
