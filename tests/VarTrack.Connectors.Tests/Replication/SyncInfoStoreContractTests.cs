using System.Text;
using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// The behaviour every <see cref="ISyncInfoStore"/> must have, run by each store's test class against its backend.
/// Every test works on its own random owners, so stores sharing a container between tests never collide.
/// </summary>
public abstract class SyncInfoStoreContractTests
{
    private ISyncInfoStore? _store;

    /// <summary>A store on the backend under test. Several calls in one test give stores sharing the same data.</summary>
    protected abstract ISyncInfoStore CreateStore();

    /// <summary>
    /// Whether separate store instances on one backend exclude each other's publishes (a real conditional write). A store
    /// whose compare-and-swap only holds within one instance says false, and the race runs on one instance.
    /// </summary>
    protected virtual bool PublishIsExclusiveAcrossInstances => true;

    /// <summary>The largest bucket the backend takes; Consul limits a value to 512 KiB by default.</summary>
    protected virtual int LargestBucket => 1024 * 1024 + 3;

    protected ISyncInfoStore Store => _store ??= CreateStore();

    /// <summary>This test's own owner.</summary>
    protected string Owner { get; } = NewName("owner");

    protected static string NewName(string kind) => kind + "-" + Guid.NewGuid().ToString("N");

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[]? bytes) => bytes is null ? "<missing>" : Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task The_index_of_an_owner_that_never_published_is_null()
    {
        Assert.Null(await Store.ReadIndexAsync(Owner));
    }

    [Fact]
    public async Task Publishing_with_no_expected_tag_creates_the_index_and_its_tag_reads_back()
    {
        var tag = await Store.WriteIndexAsync(Owner, Bytes("{\"generation\":\"g1\"}"), expectedTag: null);

        Assert.False(string.IsNullOrEmpty(tag));
        var index = await Store.ReadIndexAsync(Owner);
        Assert.NotNull(index);
        Assert.Equal("{\"generation\":\"g1\"}", Text(index.Data));
        Assert.Equal(tag, index.Tag);
        Assert.Equal(tag, (await CreateStore().ReadIndexAsync(Owner))?.Tag); // the tag is the backend's, not the instance's
    }

    [Fact]
    public async Task Publishing_again_with_no_expected_tag_is_a_conflict_and_leaves_the_index()
    {
        var tag = await Store.WriteIndexAsync(Owner, Bytes("first"), expectedTag: null);

        var conflict = await Assert.ThrowsAsync<SyncInfoConflictException>(() => Store.WriteIndexAsync(Owner, Bytes("second"), expectedTag: null));

        Assert.Equal(Owner, conflict.Owner);
        Assert.Contains($"'{Owner}'", conflict.Message, StringComparison.Ordinal);
        Assert.Contains(Store.Description, conflict.Message, StringComparison.Ordinal);
        var index = await Store.ReadIndexAsync(Owner);
        Assert.Equal("first", Text(index?.Data));
        Assert.Equal(tag, index?.Tag);
    }

    [Fact]
    public async Task Publishing_with_the_current_tag_replaces_the_index_and_gives_a_new_tag()
    {
        var first = await Store.WriteIndexAsync(Owner, Bytes("a much longer first version of the index"), expectedTag: null);

        var second = await Store.WriteIndexAsync(Owner, Bytes("second"), first);

        Assert.NotEqual(first, second);
        var index = await Store.ReadIndexAsync(Owner);
        Assert.Equal("second", Text(index?.Data));
        Assert.Equal(second, index?.Tag);

        var third = await Store.WriteIndexAsync(Owner, Bytes("third"), (await Store.ReadIndexAsync(Owner))!.Tag);
        Assert.NotEqual(second, third);
        Assert.Equal("third", Text((await Store.ReadIndexAsync(Owner))?.Data));
    }

    [Fact]
    public async Task Publishing_with_a_stale_tag_is_a_conflict_and_leaves_the_index_unchanged()
    {
        var stale = await Store.WriteIndexAsync(Owner, Bytes("one"), expectedTag: null);
        var current = await CreateStore().WriteIndexAsync(Owner, Bytes("two, by another instance"), stale);

        var conflict = await Assert.ThrowsAsync<SyncInfoConflictException>(() => Store.WriteIndexAsync(Owner, Bytes("three"), stale));

        Assert.Equal(Owner, conflict.Owner);
        var index = await Store.ReadIndexAsync(Owner);
        Assert.Equal("two, by another instance", Text(index?.Data));
        Assert.Equal(current, index?.Tag);
    }

    [Fact]
    public async Task Publishing_with_a_tag_after_the_index_was_deleted_is_a_conflict()
    {
        var tag = await Store.WriteIndexAsync(Owner, Bytes("one"), expectedTag: null);
        await Store.DeleteIndexAsync(Owner);

        await Assert.ThrowsAsync<SyncInfoConflictException>(() => Store.WriteIndexAsync(Owner, Bytes("two"), tag));

        Assert.Null(await Store.ReadIndexAsync(Owner));
    }

    [Fact]
    public async Task Of_eight_concurrent_first_publishers_exactly_one_wins_and_its_index_is_stored()
    {
        var results = await RaceAsync(expectedTag: null);

        var winner = Assert.Single(results, r => r.Tag is not null);
        Assert.All(results.Where(r => r.Tag is null), r => Assert.IsType<SyncInfoConflictException>(r.Error));
        var index = await Store.ReadIndexAsync(Owner);
        Assert.Equal($"publisher {winner.Index}", Text(index?.Data));
        Assert.Equal(winner.Tag, index?.Tag);
    }

    [Fact]
    public async Task Of_eight_concurrent_publishers_with_the_same_tag_exactly_one_wins_and_its_index_is_stored()
    {
        var read = await Store.WriteIndexAsync(Owner, Bytes("the index all publishers read"), expectedTag: null);

        var results = await RaceAsync(read);

        var winner = Assert.Single(results, r => r.Tag is not null);
        Assert.All(results.Where(r => r.Tag is null), r => Assert.IsType<SyncInfoConflictException>(r.Error));
        var index = await Store.ReadIndexAsync(Owner);
        Assert.Equal($"publisher {winner.Index}", Text(index?.Data));
        Assert.Equal(winner.Tag, index?.Tag);
    }

    [Fact]
    public async Task Buckets_read_back_byte_for_byte_per_generation()
    {
        var generation = NewName("g");
        var other = NewName("g");
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var withBom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Bytes("{\"a\":\"ü ✓\"}\r\n")).ToArray();
        var large = new byte[LargestBucket];
        new Random(7).NextBytes(large);

        await Store.WriteBucketAsync(Owner, generation, 0, binary);
        await Store.WriteBucketAsync(Owner, generation, 7, withBom);
        await Store.WriteBucketAsync(Owner, generation, 12345, large);
        await Store.WriteBucketAsync(Owner, generation, 3, ReadOnlyMemory<byte>.Empty);
        await Store.WriteBucketAsync(Owner, other, 7, Bytes("the other generation's bucket 7"));

        Assert.Equal(binary, await Store.ReadBucketAsync(Owner, generation, 0));
        Assert.Equal(withBom, await Store.ReadBucketAsync(Owner, generation, 7));
        Assert.Equal(large, await CreateStore().ReadBucketAsync(Owner, generation, 12345));
        var empty = await Store.ReadBucketAsync(Owner, generation, 3);
        Assert.NotNull(empty);
        Assert.Empty(empty);
        Assert.Equal("the other generation's bucket 7", Text(await Store.ReadBucketAsync(Owner, other, 7)));
    }

    [Fact]
    public async Task A_bucket_written_again_by_a_retried_activity_is_replaced()
    {
        var generation = NewName("g");
        await Store.WriteBucketAsync(Owner, generation, 1, Bytes("first attempt, longer than the second"));

        await CreateStore().WriteBucketAsync(Owner, generation, 1, Bytes("retry"));

        Assert.Equal("retry", Text(await Store.ReadBucketAsync(Owner, generation, 1)));
    }

    [Fact]
    public async Task A_bucket_of_a_missing_generation_or_a_missing_bucket_reads_as_null()
    {
        var generation = NewName("g");
        Assert.Null(await Store.ReadBucketAsync(Owner, generation, 0));

        await Store.WriteBucketAsync(Owner, generation, 0, Bytes("x"));
        Assert.Null(await Store.ReadBucketAsync(Owner, generation, 1));
        Assert.Null(await Store.ReadBucketAsync(Owner, NewName("g"), 0));
    }

    [Fact]
    public async Task Listing_gives_each_generation_with_buckets_once()
    {
        Assert.Empty(await Store.ListGenerationsAsync(Owner));

        var generations = Enumerable.Range(0, 3).Select(_ => NewName("g")).ToList();
        foreach (var generation in generations)
            for (var bucket = 0; bucket < 4; bucket++) await Store.WriteBucketAsync(Owner, generation, bucket, Bytes($"{generation}/{bucket}"));
        await Store.WriteIndexAsync(Owner, Bytes("index"), expectedTag: null);

        var listed = await CreateStore().ListGenerationsAsync(Owner);

        Assert.Equal(generations.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deleting_a_generation_removes_its_buckets_and_leaves_other_generations_and_the_index()
    {
        var doomed = NewName("g");
        var kept = NewName("g");
        for (var bucket = 0; bucket < 20; bucket++)
        {
            await Store.WriteBucketAsync(Owner, doomed, bucket, Bytes($"doomed {bucket}"));
            await Store.WriteBucketAsync(Owner, kept, bucket, Bytes($"kept {bucket}"));
        }
        var tag = await Store.WriteIndexAsync(Owner, Bytes("index naming kept"), expectedTag: null);

        await Store.DeleteGenerationAsync(Owner, doomed);

        for (var bucket = 0; bucket < 20; bucket++)
        {
            Assert.Null(await Store.ReadBucketAsync(Owner, doomed, bucket));
            Assert.Equal($"kept {bucket}", Text(await Store.ReadBucketAsync(Owner, kept, bucket)));
        }
        Assert.Equal([kept], await Store.ListGenerationsAsync(Owner));
        var index = await Store.ReadIndexAsync(Owner);
        Assert.Equal("index naming kept", Text(index?.Data));
        Assert.Equal(tag, index?.Tag);
    }

    [Fact]
    public async Task Deleting_a_generation_leaves_a_generation_whose_name_starts_with_its_name()
    {
        await Store.WriteBucketAsync(Owner, "g1", 0, Bytes("g1"));
        await Store.WriteBucketAsync(Owner, "g10", 0, Bytes("g10"));
        await Store.WriteBucketAsync(Owner, "g1-b", 0, Bytes("g1-b"));

        await Store.DeleteGenerationAsync(Owner, "g1");

        Assert.Null(await Store.ReadBucketAsync(Owner, "g1", 0));
        Assert.Equal("g10", Text(await Store.ReadBucketAsync(Owner, "g10", 0)));
        Assert.Equal("g1-b", Text(await Store.ReadBucketAsync(Owner, "g1-b", 0)));
        Assert.Equal(["g1-b", "g10"], (await Store.ListGenerationsAsync(Owner)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deleting_a_missing_generation_is_no_error()
    {
        await Store.DeleteGenerationAsync(Owner, NewName("g"));
        var generation = NewName("g");
        await Store.WriteBucketAsync(Owner, generation, 0, Bytes("x"));
        await Store.DeleteGenerationAsync(Owner, generation);
        await Store.DeleteGenerationAsync(Owner, generation);
        Assert.Empty(await Store.ListGenerationsAsync(Owner));
    }

    [Fact]
    public async Task Deleting_the_index_leaves_the_buckets_and_a_new_first_publish_is_possible()
    {
        var generation = NewName("g");
        await Store.WriteBucketAsync(Owner, generation, 0, Bytes("bucket"));
        await Store.WriteIndexAsync(Owner, Bytes("index"), expectedTag: null);

        await Store.DeleteIndexAsync(Owner);

        Assert.Null(await Store.ReadIndexAsync(Owner));
        Assert.Equal("bucket", Text(await Store.ReadBucketAsync(Owner, generation, 0)));
        await Store.DeleteIndexAsync(Owner); // already gone: no error
        var tag = await Store.WriteIndexAsync(Owner, Bytes("again"), expectedTag: null);
        Assert.Equal(tag, (await Store.ReadIndexAsync(Owner))?.Tag);
    }

    [Fact]
    public async Task Owners_are_isolated_from_each_other()
    {
        var other = NewName("owner");
        var generation = NewName("g");
        await Store.WriteIndexAsync(Owner, Bytes("mine"), expectedTag: null);
        await Store.WriteBucketAsync(Owner, generation, 0, Bytes("my bucket"));

        Assert.Null(await Store.ReadIndexAsync(other));
        Assert.Null(await Store.ReadBucketAsync(other, generation, 0));
        Assert.Empty(await Store.ListGenerationsAsync(other));

        // The same generation name under another owner is another generation; publishing or deleting there leaves mine.
        await Store.WriteIndexAsync(other, Bytes("theirs"), expectedTag: null);
        await Store.WriteBucketAsync(other, generation, 0, Bytes("their bucket"));
        await Store.DeleteGenerationAsync(other, generation);
        await Store.DeleteIndexAsync(other);

        Assert.Equal("mine", Text((await Store.ReadIndexAsync(Owner))?.Data));
        Assert.Equal("my bucket", Text(await Store.ReadBucketAsync(Owner, generation, 0)));
        Assert.Equal([generation], await Store.ListGenerationsAsync(Owner));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a.b")]
    [InlineData("a b")]
    [InlineData("a\\b")]
    [InlineData("ü")]
    [InlineData("index.json")]
    [InlineData("a%2Fb")]
    public async Task Invalid_owner_and_generation_names_are_refused_naming_the_value(string name)
    {
        async Task Refused(Func<Task> action, string what)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(action);
            Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
            Assert.Contains(what, error.Message, StringComparison.Ordinal);
        }

        var generation = NewName("g");
        await Refused(() => Store.ReadIndexAsync(name), "owner");
        await Refused(() => Store.WriteIndexAsync(name, Bytes("x"), null), "owner");
        await Refused(() => Store.DeleteIndexAsync(name), "owner");
        await Refused(() => Store.ReadBucketAsync(name, generation, 0), "owner");
        await Refused(() => Store.WriteBucketAsync(name, generation, 0, Bytes("x")), "owner");
        await Refused(() => Store.ListGenerationsAsync(name), "owner");
        await Refused(() => Store.DeleteGenerationAsync(name, generation), "owner");
        await Refused(() => Store.ReadBucketAsync(Owner, name, 0), "generation");
        await Refused(() => Store.WriteBucketAsync(Owner, name, 0, Bytes("x")), "generation");
        await Refused(() => Store.DeleteGenerationAsync(Owner, name), "generation");
        Assert.Empty(await Store.ListGenerationsAsync(Owner)); // nothing was written by the refused calls
    }

    [Fact]
    public async Task A_name_longer_than_a_hundred_characters_and_a_negative_bucket_are_refused()
    {
        var longName = new string('a', 101);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadIndexAsync(longName));
        Assert.Contains($"'{longName}'", error.Message, StringComparison.Ordinal);
        await Store.ReadIndexAsync(new string('a', 100)); // the longest valid name

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.WriteBucketAsync(Owner, NewName("g"), -1, Bytes("x")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadBucketAsync(Owner, NewName("g"), -1));
    }

    [Fact]
    public void The_description_says_where_the_sync_info_lives()
    {
        Assert.False(string.IsNullOrWhiteSpace(Store.Description));
    }

    private async Task<(int Index, string? Tag, Exception? Error)[]> RaceAsync(string? expectedTag)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A store per publisher where the backend itself must make the publish exclusive.
        var publishers = Enumerable.Range(0, 8)
            .Select(i => (Index: i, Store: PublishIsExclusiveAcrossInstances ? CreateStore() : Store))
            .Select(p => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    return (p.Index, (string?)await p.Store.WriteIndexAsync(Owner, Bytes($"publisher {p.Index}"), expectedTag), (Exception?)null);
                }
                catch (SyncInfoConflictException ex)
                {
                    return (p.Index, null, ex);
                }
            }))
            .ToList();
        start.SetResult();
        return await Task.WhenAll(publishers);
    }
}
