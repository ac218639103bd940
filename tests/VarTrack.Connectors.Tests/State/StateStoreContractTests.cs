using System.Text;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.State;

/// <summary>
/// The behaviour every <see cref="IStateStore"/> must have, run by each store's test class against the real backend.
/// Every test works under its own random root segment, so stores that share a container between tests never collide.
/// </summary>
public abstract class StateStoreContractTests
{
    private IStateStore? _store;

    /// <summary>A store on the backend under test. Several calls in one test give stores sharing the same data.</summary>
    protected abstract IStateStore CreateStore();

    protected IStateStore Store => _store ??= CreateStore();

    /// <summary>This test's own root segment.</summary>
    protected string Root { get; } = "t" + Guid.NewGuid().ToString("N");

    protected string K(string rest) => Root + "/" + rest;

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[]? bytes) => bytes is null ? "<missing>" : Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task Reading_a_missing_key_gives_null()
    {
        Assert.Null(await Store.ReadAsync(K("nothing/here")));
        Assert.Null(await Store.ReadAsync(K("nothing")));
    }

    [Fact]
    public async Task A_written_document_reads_back()
    {
        await Store.WriteAsync(K("syncs/app/abc"), Bytes("{\"commit\":\"abc\"}"));
        Assert.Equal("{\"commit\":\"abc\"}", Text(await Store.ReadAsync(K("syncs/app/abc"))));
    }

    [Fact]
    public async Task Writing_again_replaces_the_document()
    {
        await Store.WriteAsync(K("baseline"), Bytes("a much longer first version of the document"));
        await Store.WriteAsync(K("baseline"), Bytes("short"));
        Assert.Equal("short", Text(await Store.ReadAsync(K("baseline"))));
    }

    [Fact]
    public async Task TryCreate_creates_a_new_key_and_refuses_an_existing_one_leaving_it_unchanged()
    {
        Assert.True(await Store.TryCreateAsync(K("deliveries/d-1"), Bytes("first")));
        Assert.False(await Store.TryCreateAsync(K("deliveries/d-1"), Bytes("second")));
        Assert.Equal("first", Text(await Store.ReadAsync(K("deliveries/d-1"))));

        await Store.WriteAsync(K("deliveries/d-2"), Bytes("written"));
        Assert.False(await Store.TryCreateAsync(K("deliveries/d-2"), Bytes("created")));
        Assert.Equal("written", Text(await Store.ReadAsync(K("deliveries/d-2"))));
    }

    [Fact]
    public async Task Of_sixteen_concurrent_creators_of_one_key_exactly_one_wins_and_its_document_is_stored()
    {
        var key = K("deliveries/race");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A store per creator: nothing in one instance may be what makes the creation exclusive.
        var creators = Enumerable.Range(0, 16).Select(i => (Index: i, Store: CreateStore())).Select(c => Task.Run(async () =>
        {
            await start.Task;
            return (c.Index, Won: await c.Store.TryCreateAsync(key, Bytes($"creator {c.Index}")));
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(creators);

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal($"creator {winner.Index}", Text(await Store.ReadAsync(key)));
    }

    [Fact]
    public async Task A_deleted_key_reads_as_missing_and_can_be_created_again()
    {
        await Store.WriteAsync(K("snapshots/s1"), Bytes("before"));
        await Store.DeleteAsync(K("snapshots/s1"));
        Assert.Null(await Store.ReadAsync(K("snapshots/s1")));
        Assert.Empty(await Store.ListAsync(K("snapshots")));
        Assert.True(await Store.TryCreateAsync(K("snapshots/s1"), Bytes("again")));
        Assert.Equal("again", Text(await Store.ReadAsync(K("snapshots/s1"))));
    }

    [Fact]
    public async Task Deleting_a_missing_key_is_no_error()
    {
        await Store.DeleteAsync(K("never/written/at/all"));
        await Store.WriteAsync(K("present"), Bytes("x"));
        await Store.DeleteAsync(K("present"));
        await Store.DeleteAsync(K("present"));
        Assert.Null(await Store.ReadAsync(K("present")));
    }

    [Fact]
    public async Task List_gives_every_key_below_whole_segments_of_the_prefix_ordered_ordinally()
    {
        string[] written = ["syncs/b", "syncs/a/deep/er", "syncs/A", "syncs/_x", "syncs/a-1", "syncs/a", "syncs/a/z", "syncsX/no", "syncs", "sync/no", "other/no", "syncs.2E/no"];
        foreach (var key in written.Reverse()) await Store.WriteAsync(K(key), Bytes(key));

        var listed = await Store.ListAsync(K("syncs"));

        Assert.Equal(new[] { "syncs/A", "syncs/_x", "syncs/a", "syncs/a-1", "syncs/a/deep/er", "syncs/a/z", "syncs/b" }.Select(K), listed);
        Assert.Equal([K("syncs/a/deep/er"), K("syncs/a/z")], await Store.ListAsync(K("syncs/a")));
        Assert.Equal([K("syncs/a/deep/er")], await Store.ListAsync(K("syncs/a/deep")));
        Assert.Empty(await Store.ListAsync(K("syncs/b"))); // a document, not a folder
        Assert.Empty(await Store.ListAsync(K("missing")));
        Assert.Equal(written.Select(K).Order(StringComparer.Ordinal), await Store.ListAsync(Root));
    }

    [Fact]
    public async Task Listing_the_empty_prefix_gives_every_key_ordered()
    {
        await Store.WriteAsync(K("z/1"), Bytes("1"));
        await Store.WriteAsync(K("a"), Bytes("2"));

        var all = await Store.ListAsync("");

        Assert.Contains(K("a"), all);
        Assert.Contains(K("z/1"), all);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task A_key_and_keys_below_it_hold_separate_documents()
    {
        await Store.WriteAsync(K("rule"), Bytes("parent"));
        await Store.WriteAsync(K("rule/child"), Bytes("child"));
        Assert.False(await Store.TryCreateAsync(K("rule"), Bytes("other")));
        Assert.Equal("parent", Text(await Store.ReadAsync(K("rule"))));
        Assert.Equal("child", Text(await Store.ReadAsync(K("rule/child"))));

        await Store.DeleteAsync(K("rule/child"));
        Assert.Equal("parent", Text(await Store.ReadAsync(K("rule"))));
        await Store.WriteAsync(K("rule/child"), Bytes("child 2"));
        await Store.DeleteAsync(K("rule"));
        Assert.Equal("child 2", Text(await Store.ReadAsync(K("rule/child"))));
        Assert.Equal([K("rule/child")], await Store.ListAsync(Root));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData(".")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a b")]
    [InlineData("a\\b")]
    [InlineData("ü")]
    public async Task Keys_StateKey_could_not_have_built_are_refused_naming_the_key(string key)
    {
        async Task Refused(Func<Task> action)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(action);
            Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        }

        await Refused(() => Store.ReadAsync(key));
        await Refused(() => Store.WriteAsync(key, Bytes("x")));
        await Refused(() => Store.TryCreateAsync(key, Bytes("x")));
        await Refused(() => Store.DeleteAsync(key));
        if (key.Length > 0) await Refused(() => Store.ListAsync(key));
    }

    [Fact]
    public async Task Binary_documents_round_trip_byte_for_byte_and_an_empty_one_is_not_missing()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(Enumerable.Range(0, 256).Select(i => (byte)(255 - i))).ToArray();
        await Store.WriteAsync(K("binary"), all);
        Assert.Equal(all, await Store.ReadAsync(K("binary")));

        Assert.True(await Store.TryCreateAsync(K("empty"), ReadOnlyMemory<byte>.Empty));
        var empty = await Store.ReadAsync(K("empty"));
        Assert.NotNull(empty);
        Assert.Empty(empty);

        var large = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(large);
        await Store.WriteAsync(K("large"), large);
        Assert.Equal(large, await Store.ReadAsync(K("large")));
    }

    [Fact]
    public async Task Keys_built_from_unusual_text_round_trip_through_list_and_unescape()
    {
        string[][] texts =
        [
            ["rule/with/slashes", "main"],
            ["spaces in name", "ünïcødé ✓ 日本"],
            ["..", "."],
            ["", "a.2Fb"],
            ["tab\tand\nnewline", "%2F and \\ and @"],
        ];
        foreach (var segments in texts) await Store.WriteAsync(Root + "/" + StateKey.Of(segments), Bytes(string.Join("|", segments)));

        var listed = await Store.ListAsync(Root);

        var decoded = listed.Select(key => key.Split('/').Skip(1).Select(StateKey.Unescape).ToArray()).ToList();
        Assert.Equal(texts.Length, decoded.Count);
        foreach (var segments in texts) Assert.Contains(decoded, d => d.SequenceEqual(segments));
        foreach (var key in listed)
        {
            var segments = key.Split('/').Skip(1).Select(StateKey.Unescape);
            Assert.Equal(string.Join("|", segments), Text(await Store.ReadAsync(key)));
        }
    }
}
