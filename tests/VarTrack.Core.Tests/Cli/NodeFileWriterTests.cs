using System.Text;
using System.Text.Json;
using VarTrack.Cli;
using VarTrack.Core.State;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <see cref="NodeFileWriter"/> on a real folder: the rollback after some renames, and a process killed half way
/// (a <see cref="SimulatedCrash"/> skips every rollback, as a kill would) recovered by the next run from the journal.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // modes and symbolic links are POSIX
public sealed class NodeFileWriterTests : IDisposable
{
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _root = Directory.CreateTempSubdirectory("vt-writer-").FullName;

    public NodeFileWriterTests()
    {
        // Before: a secret file, a link to a file elsewhere in the root, nothing where the new files go.
        Directory.CreateDirectory(Path.Combine(_root, "etc/app"));
        File.WriteAllText(Path.Combine(_root, "etc/app/secret.yaml"), "old secret");
        File.SetUnixFileMode(Path.Combine(_root, "etc/app/secret.yaml"), OwnerOnly);
        File.WriteAllText(Path.Combine(_root, "etc/app/real.conf"), "linked");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/app/app.conf"), "real.conf");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string[] Before = ["etc", "etc/app", "etc/app/app.conf -> real.conf", "etc/app/real.conf = linked", "etc/app/secret.yaml = old secret"];

    private static readonly string[] After = ["etc", "etc/app", "etc/app/app.conf = new app", "etc/app/new", "etc/app/new/peers.txt = new peers", "etc/app/real.conf = linked", "etc/app/secret.yaml = new secret"];

    private IReadOnlyList<NodeFileWriter.PlannedFile> Plan(NodeFileWriter writer, string suffix = "") => writer.Plan([
        ("secret.yaml", "etc/app/secret.yaml", Encoding.UTF8.GetBytes("new secret" + suffix), "0600"),
        ("app.conf", "etc/app/app.conf", Encoding.UTF8.GetBytes("new app" + suffix), null),
        ("shared/peers.txt", "etc/app/new/peers.txt", Encoding.UTF8.GetBytes("new peers" + suffix), null),
    ]);

    private string[] Tree() => Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories)
        .Select(p =>
        {
            var name = Path.GetRelativePath(_root, p);
            var info = new FileInfo(p);
            if (info.LinkTarget is { } target) return $"{name} -> {target}";
            return info.Exists ? $"{name} = {File.ReadAllText(p)}" : name;
        })
        .Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_failure_after_some_renames_restores_every_file_link_mode_and_folder(int renames)
    {
        var writer = new NodeFileWriter(_root) { AfterStep = (step, n) => { if (step == "renamed" && n == renames) throw new IOException("disk full"); } };

        var ex = Assert.Throws<IOException>(() => writer.Write(Plan(writer)));

        Assert.Equal("disk full", ex.Message);
        Assert.Equal(Before, Tree());
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_root, "etc/app/secret.yaml")));
    }

    [Fact]
    public void A_restore_that_fails_names_what_it_left_changed_and_keeps_the_journal_for_the_next_run()
    {
        var secret = Path.Combine(_root, "etc/app/secret.yaml");
        var writer = new NodeFileWriter(_root)
        {
            AfterStep = (step, n) =>
            {
                if (step != "renamed" || n != 2) return;
                // Something (not vt) puts a folder where the secret was: its backup cannot be moved back.
                File.Delete(secret);
                Directory.CreateDirectory(Path.Combine(secret, "x"));
                throw new IOException("disk full");
            },
        };

        var ex = Assert.Throws<NodeFileWriteException>(() => writer.Write(Plan(writer)));

        Assert.Equal("disk full", ex.Message);
        Assert.StartsWith($"{secret} (", Assert.Single(ex.Unrestored), StringComparison.Ordinal);
        Assert.True(File.Exists(writer.JournalPath));
        // The others were restored.
        Assert.Equal("etc/app/app.conf -> real.conf", Tree().Single(e => e.StartsWith("etc/app/app.conf", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_run_killed_after_some_renames_is_finished_by_the_next_run_and_leaves_no_hidden_file(int renames)
    {
        var killed = new NodeFileWriter(_root) { AfterStep = (step, n) => { if (step == "renamed" && n == renames) throw new SimulatedCrash(); } };
        Assert.Throws<SimulatedCrash>(() => killed.Write(Plan(killed)));
        // Half written: the journal, the backup of the secret and the staged files that were not renamed yet are there.
        Assert.Contains(Tree(), e => e.StartsWith(".vt-node-journal = ", StringComparison.Ordinal));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(killed.JournalPath));
        Assert.Contains(Tree(), e => e.StartsWith("etc/app/.vt-node-", StringComparison.Ordinal) && e.EndsWith(".old = old secret", StringComparison.Ordinal));

        var next = new NodeFileWriter(_root);
        Assert.Equal($"finished the interrupted write of 3 files (journal {next.JournalPath})", next.Recover());

        Assert.Equal(After, Tree());
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_root, "etc/app/secret.yaml")));
        Assert.Null(next.Recover());
        next.Write(Plan(next, " 2"));
        Assert.Equal(After.Select(e => e.Contains(" = new", StringComparison.Ordinal) ? e + " 2" : e), Tree());
    }

    [Fact]
    public void A_run_killed_while_staging_is_rolled_back_and_its_staged_files_removed()
    {
        var killed = new NodeFileWriter(_root) { AfterStep = (step, n) => { if (step == "staged" && n == 2) throw new SimulatedCrash(); } };
        Assert.Throws<SimulatedCrash>(() => killed.Write(Plan(killed)));
        Assert.Contains(Tree(), e => e.StartsWith("etc/app/.vt-node-", StringComparison.Ordinal));

        var next = new NodeFileWriter(_root);
        Assert.Equal($"rolled back an interrupted write of 3 files (journal {next.JournalPath})", next.Recover());

        Assert.Equal(Before, Tree());
    }

    [Fact]
    public void A_run_killed_while_rolling_back_is_rolled_back_by_the_next_run()
    {
        var killed = new NodeFileWriter(_root) { AfterStep = (step, n) => { if (step == "renamed" && n == 2) throw new SimulatedCrash(); } };
        Assert.Throws<SimulatedCrash>(() => killed.Write(Plan(killed)));
        // As if the rollback had begun (the journal says so) and the process died before restoring anything.
        var journal = JsonSerializer.Deserialize<NodeWriteJournal>(File.ReadAllBytes(killed.JournalPath), StateJson.Options)!;
        File.WriteAllBytes(killed.JournalPath, StateJson.Serialize(journal with { Phase = NodeWriteJournal.Rollback }));

        var next = new NodeFileWriter(_root);
        Assert.StartsWith("rolled back an interrupted write of 3 files", next.Recover(), StringComparison.Ordinal);

        Assert.Equal(Before, Tree());
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_root, "etc/app/secret.yaml")));
    }

    [Fact]
    public void Hidden_files_of_a_run_killed_before_its_journal_are_removed_by_the_next_write()
    {
        File.WriteAllText(Path.Combine(_root, "etc/app/.vt-node-0123456789ab-0"), "stale staged");
        File.WriteAllText(Path.Combine(_root, "etc/app/.vt-node-0123456789ab-0.old"), "stale backup");

        var writer = new NodeFileWriter(_root);
        writer.Write(Plan(writer));

        Assert.Equal(After, Tree());
    }
}
