using System.Text;
using VarTrack.Core.Replication;

namespace VarTrack.Core.Tests.Replication;

public sealed class SyncInfoJsonTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    [Fact]
    public void A_bucket_is_canonical_json_with_sorted_keys_and_no_whitespace()
    {
        var bucket = new SyncBucket(7, new Dictionary<string, SecretInsight>
        {
            ["secret/z"] = new(3, Time.AddTicks(1234567), SecretState.Deleted),
            ["secret/a"] = new(1, new DateTimeOffset(2024, 5, 6, 9, 8, 9, TimeSpan.FromHours(2)), SecretState.Active),
        });

        var json = Encoding.UTF8.GetString(SyncInfoJson.Serialize(bucket));

        Assert.Equal("""{"bucket":7,"paths":{"secret/a":{"state":"active","updated_time":"2024-05-06T07:08:09.0000000Z","version":1},"secret/z":{"state":"deleted","updated_time":"2024-05-06T07:08:09.1234567Z","version":3}},"schema_version":1}""", json);
        Assert.Equal(bucket.Paths.OrderBy(p => p.Key), SyncInfoJson.ParseBucket(Encoding.UTF8.GetBytes(json), "b").Paths.OrderBy(p => p.Key));
        Assert.Equal(SyncInfoJson.Hash(SyncInfoJson.Serialize(bucket)), SyncInfoJson.Hash(SyncInfoJson.Serialize(bucket with { Paths = bucket.Paths.Reverse().ToDictionary() })));
    }

    [Fact]
    public void The_hash_changes_with_any_insight_and_never_with_the_generation()
    {
        var one = new SyncBucket(0, new Dictionary<string, SecretInsight> { ["secret/a"] = new(1, Time, SecretState.Active) });
        var hash = SyncInfoJson.Hash(SyncInfoJson.Serialize(one));

        Assert.Equal(64, hash.Length);
        Assert.NotEqual(hash, SyncInfoJson.Hash(SyncInfoJson.Serialize(new SyncBucket(0, new Dictionary<string, SecretInsight> { ["secret/a"] = new(2, Time, SecretState.Active) }))));
        Assert.NotEqual(hash, SyncInfoJson.Hash(SyncInfoJson.Serialize(new SyncBucket(0, new Dictionary<string, SecretInsight> { ["secret/a"] = new(1, Time, SecretState.Destroyed) }))));
        Assert.DoesNotContain("generation", Encoding.UTF8.GetString(SyncInfoJson.Serialize(one)));
    }

    [Fact]
    public void An_index_round_trips_and_records_algorithm_bucket_count_and_schema()
    {
        var index = new SyncIndex(2, "0123456789abcdef01234567", Time, [new SyncIndexBucket(1, "bb", "0123456789abcdef01234567", 3), new SyncIndexBucket(0, "aa", "fedcba9876543210fedcba98", 2)])
        {
            SourceGeneration = "aaaaaaaaaaaaaaaaaaaaaaaa",
        };

        var json = Encoding.UTF8.GetString(SyncInfoJson.Serialize(index));
        var read = SyncInfoJson.ParseIndex(Encoding.UTF8.GetBytes(json), "i");

        Assert.Equal("""{"algorithm":"sha256","bucket_count":2,"buckets":[{"bucket":0,"generation":"fedcba9876543210fedcba98","hash":"aa","paths":2},{"bucket":1,"generation":"0123456789abcdef01234567","hash":"bb","paths":3}],"created":"2024-05-06T07:08:09.0000000Z","generation":"0123456789abcdef01234567","path_count":5,"schema_version":1,"source_generation":"aaaaaaaaaaaaaaaaaaaaaaaa"}""", json);
        Assert.Equal((2, 5, "aaaaaaaaaaaaaaaaaaaaaaaa", true), (read.BucketCount, read.PathCount, read.SourceGeneration, read.IsCompatible(2)));
        Assert.False(read.IsCompatible(4));
        Assert.Equal(["0123456789abcdef01234567", "fedcba9876543210fedcba98"], read.Generations.Order());
    }

    [Fact]
    public void Buckets_are_the_first_four_bytes_of_sha256_modulo_the_count()
    {
        // SHA-256("secret/stage/app1") starts with e4 f3 a2 c5 (sha256sum).
        Assert.Equal((int)(0xe4f3a2c5u % 64), SyncInfoJson.BucketOf("secret/stage/app1", 64));
        Assert.Equal(0, SyncInfoJson.BucketOf("anything", 1));
        var spread = Enumerable.Range(0, 6400).Select(i => SyncInfoJson.BucketOf($"secret/app{i}", 64)).GroupBy(b => b).ToList();
        Assert.Equal(64, spread.Count);
        Assert.All(spread, g => Assert.InRange(g.Count(), 50, 150));
    }

    [Fact]
    public void Corrupt_or_newer_documents_are_refused_with_a_message_naming_them()
    {
        Assert.Equal("index of x is corrupt: 'buckets' is missing or of the wrong type",
            Assert.Throws<InvalidDataException>(() => SyncInfoJson.ParseIndex("""{"schema_version":1}"""u8, "index of x")).Message);
        Assert.StartsWith("index of x is corrupt: ",
            Assert.Throws<InvalidDataException>(() => SyncInfoJson.ParseIndex("{not json"u8, "index of x")).Message);
        Assert.Equal("bucket 3 of x has schema_version 2; this VarTrack reads schema_version 1 (was it written by a newer VarTrack?)",
            Assert.Throws<NotSupportedException>(() => SyncInfoJson.ParseBucket("""{"bucket":3,"paths":{},"schema_version":2}"""u8, "bucket 3 of x")).Message);
        Assert.Equal("b is corrupt: unknown state 'gone'",
            Assert.Throws<InvalidDataException>(() => SyncInfoJson.ParseBucket("""{"bucket":3,"paths":{"a":{"state":"gone","updated_time":"2024-05-06T07:08:09.0000000Z","version":1}},"schema_version":1}"""u8, "b")).Message);
    }
}
