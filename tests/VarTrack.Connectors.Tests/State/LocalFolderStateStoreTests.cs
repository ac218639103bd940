using VarTrack.Connectors.LocalState;
using VarTrack.Connectors.Tests.Files;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.State;

/// <summary>The contract against a fresh folder per test, plus what only the local store promises: file layout, modes, atomic replace.</summary>
public sealed class LocalFolderStateStoreTests : StateStoreContractTests, IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly ScratchDirectory _scratch = new("vt-state-");

    // A folder the store has to create itself, so its mode is the store's doing.
    private string StateFolder => Path.Combine(_scratch.Path, "state");

    protected override IStateStore CreateStore() => new LocalFolderStateStore(StateFolder);

    private LocalFolderStateStore Local => (LocalFolderStateStore)Store;

    public void Dispose() => _scratch.Dispose();

    /// <summary>
    /// File.Move without overwrite checks that the name is free and then renames, so two creators could both win;
    /// the store links instead. Many rounds of creators released together make the race near certain to show.
    /// </summary>
    [Fact]
    public async Task In_every_one_of_many_rounds_of_creators_released_together_exactly_one_wins()
    {
        const int rounds = 200, creators = 8;
        for (var round = 0; round < rounds; round++)
        {
            using var start = new Barrier(creators);
            var key = $"deliveries/github/round-{round}";
            var outcomes = await Task.WhenAll(Enumerable.Range(0, creators).Select(i => Task.Run(() =>
            {
                start.SignalAndWait();
                return Store.TryCreateAsync(key, Bytes($"creator {i}")).GetAwaiter().GetResult() ? i : -1;
            })));

            var winner = Assert.Single(outcomes, o => o >= 0);
            Assert.Equal($"creator {winner}", System.Text.Encoding.UTF8.GetString((await Store.ReadAsync(key))!));
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(StateFolder, "deliveries", "github"), ".vt-*"));
    }

    [Fact]
    public async Task A_key_is_a_file_named_after_its_last_segment_with_an_at_sign_under_folders_for_the_others()
    {
        await Store.WriteAsync("syncs/rule-1/abc", Bytes("doc"));
        await Store.WriteAsync("syncs", Bytes("parent"));

        Assert.Equal(Path.Combine(StateFolder, "syncs", "rule-1", "abc@"), Local.PathOf("syncs/rule-1/abc"));
        Assert.Equal("doc", File.ReadAllText(Path.Combine(StateFolder, "syncs", "rule-1", "abc@")));
        Assert.Equal("parent", File.ReadAllText(Path.Combine(StateFolder, "syncs@")));
        Assert.Equal(["syncs", "syncs@"], Directory.GetFileSystemEntries(StateFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["abc@"], Directory.GetFileSystemEntries(Path.Combine(StateFolder, "syncs", "rule-1")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Files_are_readable_by_the_owner_only_and_folders_too()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes only; Windows keeps the folder's inherited ACL
        await Store.WriteAsync("snapshots/rule/s1", Bytes("secret-ish"));
        Assert.True(await Store.TryCreateAsync("deliveries/d1", Bytes("x")));
        await Store.WriteAsync("snapshots/rule/s1", Bytes("rewritten"));

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Local.PathOf("snapshots/rule/s1")));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Local.PathOf("deliveries/d1")));
        foreach (var folder in new[] { StateFolder, Path.Combine(StateFolder, "snapshots"), Path.Combine(StateFolder, "snapshots", "rule"), Path.Combine(StateFolder, "deliveries") })
            Assert.Equal(OwnerAll, File.GetUnixFileMode(folder));
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_document_during_200_rewrites()
    {
        // Documents of different lengths, each filled with one byte value: a torn read shows as a wrong length or mixed bytes.
        static byte[] Version(int i) => Enumerable.Repeat((byte)(i % 251), 20_000 + (i % 7) * 9_000).ToArray();
        await Store.WriteAsync("baseline", Version(0));
        var done = 0;
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            var other = CreateStore();
            while (Volatile.Read(ref done) == 0)
            {
                var seen = await other.ReadAsync("baseline");
                Assert.NotNull(seen);
                var expected = Version(seen[0]);
                Assert.True(seen.Length == expected.Length && seen.AsSpan().SequenceEqual(expected), $"torn read: {seen.Length} bytes starting with {seen[0]}");
                reads++;
            }
        });
        for (var i = 1; i <= 200; i++) await Store.WriteAsync("baseline", Version(i));
        Volatile.Write(ref done, 1);
        await reader;

        Assert.True(reads > 0);
        Assert.Equal(Version(200), await Store.ReadAsync("baseline"));
        Assert.Equal(["baseline@"], Directory.GetFileSystemEntries(StateFolder).Select(Path.GetFileName)); // no temporary file left
    }

    [Fact]
    public async Task Stale_temporary_files_and_foreign_entries_are_not_keys()
    {
        await Store.WriteAsync("syncs/a", Bytes("a"));
        var folder = Path.Combine(StateFolder, "syncs");
        File.WriteAllText(Path.Combine(folder, ".vt-0123456789abcdef0123456789abcdef.tmp"), "half a docu");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "operator notes");
        File.WriteAllText(Path.Combine(folder, "bad name@"), "not a segment");
        Directory.CreateDirectory(Path.Combine(folder, "bad folder"));
        File.WriteAllText(Path.Combine(folder, "bad folder", "x@"), "below an invalid folder");

        Assert.Equal(["syncs/a"], await Store.ListAsync("syncs"));
        Assert.Equal(["syncs/a"], await Store.ListAsync(""));
        Assert.Null(await Store.ReadAsync("syncs/notes.txt"));
    }

    [Fact]
    public async Task Segments_starting_with_a_dot_are_listed()
    {
        var key = StateKey.Of("/leading slash", ".hidden");
        await Store.WriteAsync(key, Bytes("x"));
        Assert.StartsWith(".2F", key, StringComparison.Ordinal);
        Assert.Equal([key], await Store.ListAsync(""));
    }

    [Fact]
    public async Task Deleting_removes_folders_left_empty_but_not_the_root_or_folders_still_in_use()
    {
        await Store.WriteAsync("a/b/c/d", Bytes("1"));
        await Store.WriteAsync("a/x", Bytes("2"));

        await Store.DeleteAsync("a/b/c/d");
        Assert.False(Directory.Exists(Path.Combine(StateFolder, "a", "b")));
        Assert.True(Directory.Exists(Path.Combine(StateFolder, "a")));

        await Store.DeleteAsync("a/x");
        Assert.True(Directory.Exists(StateFolder));
        Assert.Empty(Directory.GetFileSystemEntries(StateFolder));
    }

    [Fact]
    public async Task Writers_and_deleters_racing_on_one_folder_lose_no_write()
    {
        // Deletes remove the folder once empty while other writers are about to put a file into it.
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var store = CreateStore();
            for (var round = 0; round < 40; round++)
            {
                await store.WriteAsync($"shared/w{i}", Bytes($"{i}:{round}"));
                Assert.Equal($"{i}:{round}", Text(await store.ReadAsync($"shared/w{i}")));
                await store.DeleteAsync($"shared/w{i}");
            }
            await store.WriteAsync($"shared/w{i}", Bytes("last"));
        }));
        await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"shared/w{i}"), await Store.ListAsync("shared"));
    }

    [Fact]
    public async Task An_unwritable_location_gives_an_error_naming_the_key_and_path()
    {
        File.WriteAllText(Path.Combine(_scratch.Path, "blocker"), "a file where a folder should be");
        var store = new LocalFolderStateStore(Path.Combine(_scratch.Path, "blocker"));

        var error = await Assert.ThrowsAsync<Core.State.StateStoreUnavailableException>(() => store.WriteAsync("syncs/a", Bytes("x")));

        Assert.Contains("state key 'syncs/a'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_scratch.Path, "blocker", "syncs", "a@"), error.Message, StringComparison.Ordinal);
    }
}
