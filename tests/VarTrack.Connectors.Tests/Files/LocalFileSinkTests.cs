using VarTrack.Core.Text;
using VarTrack.Core.Config;
using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Files;

/// <summary>The file sink on this machine: layout, atomic replace, mode, owner, backup, conflicts and bad data.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // modes, owners and inodes are POSIX
public sealed class LocalFileSinkTests : IDisposable
{
    private readonly ScratchDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private static SinkTarget Target(string destination, string file = "config/app.yaml") => new(destination, "contract", file);

    private static async Task SyncAsync(ISink sink, string destination, Dictionary<string, string?> values, string commit = "c1", string file = "config/app.yaml")
    {
        var harness = new SinkTestHarness(sink, "file");
        var report = await harness.Executor().RunAsync(harness.Job(destination, values, commit: commit, file: file));
        Assert.True(report.Succeeded, report.Sinks.Single().Error);
    }

    private static async Task<SinkReport> FailingSyncAsync(ISink sink, string destination, Dictionary<string, string?> values)
    {
        var harness = new SinkTestHarness(sink, "file");
        var report = await harness.Executor().RunAsync(harness.Job(destination, values));
        Assert.False(report.Succeeded);
        return report.Sinks.Single();
    }

    [Fact]
    public async Task Values_go_to_the_file_and_provenance_to_the_sidecar_beside_it()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("db.host", "db.internal"), ("db.password", "p@ss word"), ("optional", null), ("empty", "")));

        Assert.Equal(["app.env", "app.env.vartrack.json"], _directory.Names());
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            "db.host=db.internal\n" +
            "db.password='p@ss word'\n" +
            "empty=\n" +
            "optional=\n", File.ReadAllText(path));
        var records = ProvenanceJson.ParseSet(File.ReadAllBytes(path + ".vartrack.json"), "sidecar");
        var record = Assert.Single(records);
        Assert.Equal("contract:config/app.yaml", record.Key);
        Assert.Equal(["db.host", "db.password", "empty", "optional"], record.Value.OwnedKeys.Order());
        Assert.Equal(["optional"], record.Value.NullKeys);
    }

    [Fact]
    public async Task An_empty_value_reads_as_null_only_for_the_owner_that_wrote_null()
    {
        var sink = await FileSinkSetup.LocalAsync("properties");
        var path = _directory.File("app.properties");
        await SyncAsync(sink, path, Values(("optional", null), ("empty", "")));

        var mine = await sink.ReadAsync(Target(path));
        Assert.True(mine.Values["optional"].IsNull);
        Assert.Equal("", mine.Values["empty"].Reveal());
        var stranger = await sink.ReadAsync(Target(path, "config/other.yaml"));
        Assert.Null(stranger.Provenance);
        Assert.Equal("", stranger.Values["optional"].Reveal());
    }

    [Fact]
    public async Task A_write_replaces_the_file_by_rename_and_leaves_no_temporary_file()
    {
        var sink = await FileSinkSetup.LocalAsync("json");
        var path = _directory.File("app.json");
        await SyncAsync(sink, path, Values(("a", "1")));
        var inode = FileSinkSetup.InodeOf(path);
        var before = File.ReadAllText(path);

        // A reader holding the old file keeps reading the complete old content: the new file is a new inode renamed in.
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await SyncAsync(sink, path, Values(("a", "2"), ("b", "3")), commit: "c2");

        Assert.NotEqual(inode, FileSinkSetup.InodeOf(path));
        Assert.Equal(before, new StreamReader(reader).ReadToEnd());
        Assert.Contains("\"b\": \"3\"", File.ReadAllText(path));
        Assert.Equal(["app.json", "app.json.vartrack.json"], _directory.Names());
    }

    [Fact]
    public async Task A_concurrent_reader_only_ever_sees_a_complete_file()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("big.env");
        var versions = Enumerable.Range(0, 8)
            .Select(v => Enumerable.Range(0, 5_000).ToDictionary(i => $"key{i}", i => (string?)$"version {v} value {i} {new string('x', 40)}", StringComparer.Ordinal))
            .ToList();
        var renderings = versions.Select(v => new DotEnvFileFormat().Render(FlatFileAssert.Values(v))).ToList();
        await SyncAsync(sink, path, versions[0]);

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var checker = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var content = File.ReadAllBytes(path); // a file written in place would show a mix or a truncated version
                Assert.Contains(renderings, r => r.AsSpan().SequenceEqual(content));
                reads++;
            }
        });
        for (var v = 1; v < versions.Count; v++)
            await SyncAsync(sink, path, versions[v], commit: $"c{v + 1}");
        await stop.CancelAsync();
        await checker;
        Assert.True(reads > 0);
        Assert.Equal(renderings[^1], File.ReadAllBytes(path));
    }

    [Fact]
    public async Task File_mode_is_set_on_the_file_and_the_sidecar()
    {
        var sink = await FileSinkSetup.LocalAsync("env", ("file_mode", "0640"));
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        const UnixFileMode expected = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        Assert.Equal(expected, File.GetUnixFileMode(path));
        Assert.Equal(expected, File.GetUnixFileMode(path + ".vartrack.json"));
    }

    [Fact]
    public async Task Without_file_mode_a_replaced_file_keeps_its_mode()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await SyncAsync(sink, path, Values(("a", "2")), commit: "c2");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains("a=2", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("nobody:nogroup")]
    [InlineData("65534:65534")]
    public async Task Owner_is_set_as_root_and_refused_clearly_otherwise(string owner)
    {
        var sink = await FileSinkSetup.LocalAsync("env", ("owner", owner));
        var path = _directory.File("app.env");
        if (!Environment.IsPrivilegedProcess)
        {
            var report = await FailingSyncAsync(sink, path, Values(("a", "1")));
            Assert.Contains($"sink 'files': 'owner' {owner} needs VarTrack to run as root to give {path} another owner", report.Error);
            Assert.Empty(_directory.Names());
            return;
        }
        await SyncAsync(sink, path, Values(("a", "1")));
        Assert.Equal("65534:65534", FileSinkSetup.OwnerOf(path));
        Assert.Equal("65534:65534", FileSinkSetup.OwnerOf(path + ".vartrack.json"));
    }

    [Fact]
    public async Task An_unknown_owner_name_fails_clearly_and_writes_nothing()
    {
        var sink = await FileSinkSetup.LocalAsync("env", ("owner", "no-such-user-vt"));
        var path = _directory.File("app.env");
        var report = await FailingSyncAsync(sink, path, Values(("a", "1")));
        Assert.Contains($"no user 'no-such-user-vt' on this machine (setting 'owner' of {path})", report.Error);
        Assert.Empty(_directory.Names());
    }

    [Fact]
    public async Task Backup_keeps_the_previous_file_beside_it()
    {
        var sink = await FileSinkSetup.LocalAsync("env", ("backup", "true"));
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        Assert.False(File.Exists(path + ".bak"));
        var first = File.ReadAllText(path);

        await SyncAsync(sink, path, Values(("a", "2")), commit: "c2");
        Assert.Equal(first, File.ReadAllText(path + ".bak"));
        var second = File.ReadAllText(path);
        await SyncAsync(sink, path, Values(("a", "3")), commit: "c3");
        Assert.Equal(second, File.ReadAllText(path + ".bak"));
        Assert.Equal(["app.env", "app.env.bak", "app.env.vartrack.json"], _directory.Names());
    }

    [Fact]
    public async Task A_hand_edit_between_read_and_apply_is_not_overwritten()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        var snapshot = await sink.ReadAsync(Target(path));
        File.AppendAllText(path, "hand=edit\n");

        var changes = Planner.Plan(new FlatMap([KeyValuePair.Create("a", FlatValue.Text("2"))]), snapshot, PlanOptions.For(SinkTestHarness.Rule()));
        var ex = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(path), changes, snapshot.Provenance));
        Assert.Equal($"{path} changed since it was read (edited by hand or by another writer); nothing written, sync again to see the difference", ex.Message);
        Assert.EndsWith("a=1\nhand=edit\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task A_hand_edit_shows_as_a_difference_on_the_next_sync()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1"), ("b", "2")));
        File.WriteAllText(path, "a=changed\nb=2\nstranger=x\n");

        var harness = new SinkTestHarness(sink, "file");
        var report = await harness.Executor().RunAsync(harness.Job(path, Values(("a", "1"), ("b", "2")), commit: "c2"));
        Assert.True(report.Succeeded);
        Assert.Equal(["a"], report.Sinks.Single().Changes!.Changes.Select(c => c.Key));
        Assert.Equal(Values(("a", "1"), ("b", "2"), ("stranger", "x")),
            (await sink.ReadAsync(Target(path))).Values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
    }

    [Fact]
    public async Task A_corrupt_sidecar_fails_clearly_naming_it()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        File.WriteAllText(path + ".vartrack.json", "{\"contract:config/app.yaml\": {\"rule\": 5");

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(path)));
        Assert.StartsWith($"provenance record at {path}.vartrack.json is not valid:", ex.Message);
        var report = await FailingSyncAsync(sink, path, Values(("a", "2")));
        Assert.Contains($"provenance record at {path}.vartrack.json is not valid", report.Error);
        Assert.EndsWith("a=1\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task A_broken_data_file_fails_clearly_with_its_position()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        File.WriteAllText(path, "A=1\nB='open\n");
        var report = await FailingSyncAsync(sink, path, Values(("a", "2")));
        Assert.Contains($"{path} is not a valid .env file (line 2, column 3): unterminated single-quoted value of key 'B'", report.Error);
    }

    [Fact]
    public async Task A_missing_directory_reads_as_empty_and_is_never_created()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = Path.Combine(_directory.Path, "missing", "app.env");
        Assert.Empty((await sink.ReadAsync(Target(path))).Values);

        var report = await FailingSyncAsync(sink, path, Values(("a", "1")));
        Assert.Contains($"directory {Path.Combine(_directory.Path, "missing")} does not exist (the file sink does not create directories)", report.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "missing")));
    }

    [Fact]
    public async Task A_relative_destination_is_refused()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target("config/app.env")));
        Assert.Equal("destination 'config/app.env' of sink 'files' must be an absolute path to a file (or relative to the folder of vartrack.yaml)", ex.Message);
    }

    [Fact]
    public async Task A_relative_destination_resolves_against_the_config_folder()
    {
        var definition = new SinkDefinition("files", "file", TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>());
        var sink = await new FileSinkFactory().CreateAsync(SinkSettings.FromText(definition, new Dictionary<string, string> { ["format"] = "env" }, _directory.Path));
        var harness = new SinkTestHarness(sink, "file");
        var report = await harness.Executor().RunAsync(harness.Job("app.env", Values(("A", "1"))));

        Assert.True(report.Succeeded, report.Sinks.Single().Error);
        Assert.Contains("A=1", await File.ReadAllTextAsync(Path.Combine(_directory.Path, "app.env")));
    }

    [Fact]
    public async Task A_key_the_format_cannot_hold_fails_before_anything_is_written()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        var report = await FailingSyncAsync(sink, path, Values(("ok", "1"), ("not valid", "2")));
        Assert.Contains("key 'not valid' cannot be written to a .env file", report.Error);
        Assert.Empty(_directory.Names());
    }

    [Fact]
    public async Task Restoring_a_destination_that_never_existed_removes_both_files()
    {
        var sink = await FileSinkSetup.LocalAsync("env");
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        await ((ISink)sink).RestoreAsync(Target(path), Snapshot.Empty);
        Assert.Empty(_directory.Names());
    }

    [Fact]
    public async Task Removing_one_owners_record_keeps_the_others()
    {
        var sink = await FileSinkSetup.LocalAsync("json");
        var path = _directory.File("app.json");
        await SyncAsync(sink, path, Values(("mine", "1")));
        await SyncAsync(sink, path, Values(("theirs", "2")), file: "config/other.yaml");
        var current = await sink.ReadAsync(Target(path));

        await sink.ApplyAsync(Target(path), RestorePlan.Between(current, new Snapshot(Values(("theirs", "2")).ToDictionary(v => v.Key, v => FlatValue.From(v.Value)), null)), null);
        var records = ProvenanceJson.ParseSet(File.ReadAllBytes(path + ".vartrack.json"), "sidecar");
        Assert.Equal(["contract:config/other.yaml"], records.Keys);
        Assert.Equal("{\n  \"theirs\": \"2\"\n}\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task An_ini_file_gets_sections_and_refuses_line_breaks_by_key()
    {
        var sink = await FileSinkSetup.LocalAsync("ini");
        var path = _directory.File("app.ini");
        await SyncAsync(sink, path, Values(("name", "shop"), ("db.host", "x"), ("db.port", "5432"), ("optional", null)));
        Assert.Equal(
            "# Written by VarTrack: hand edits are overwritten by the next sync.\n" +
            "name = shop\noptional =\n\n[db]\nhost = x\nport = 5432\n", File.ReadAllText(path));
        var snapshot = await sink.ReadAsync(Target(path));
        Assert.True(snapshot.Values["optional"].IsNull);
        Assert.Equal("5432", snapshot.Values["db.port"].Reveal());

        var report = await FailingSyncAsync(sink, path, Values(("name", "shop"), ("db.host", "two\nlines")));
        Assert.Contains("key 'db.host' cannot be written to a .ini file: an .ini value cannot hold a line break", report.Error);
        Assert.Contains("host = x\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Values_never_appear_in_errors()
    {
        var sink = await FileSinkSetup.LocalAsync("ini");
        var path = _directory.File("app.ini");
        var report = await FailingSyncAsync(sink, path, Values(("secret", "hunter2-secret\nline")));
        Assert.DoesNotContain("hunter2", report.Error);
    }

    [Theory]
    [InlineData(new[] { "format", "toml" }, "sink 'files' (type file): 'format' must be one of env, json, yaml, properties, ini, not 'toml'")]
    [InlineData(new[] { "format", "env", "file_mode", "999" }, "sink 'files' (type file): 'file_mode' must be octal permissions such as 0640 or 0600 (0000-0777), not '999'")]
    [InlineData(new[] { "format", "env", "file_mode", "rw-r-----" }, "sink 'files' (type file): 'file_mode' must be octal permissions such as 0640 or 0600 (0000-0777), not 'rw-r-----'")]
    [InlineData(new[] { "format", "env", "file_mode", "4755" }, "sink 'files' (type file): 'file_mode' must be octal permissions such as 0640 or 0600 (0000-0777), not '4755'")]
    [InlineData(new[] { "format", "env", "owner", "a:b:c" }, "sink 'files' (type file): 'owner' must be 'user' or 'user:group' (names or numeric ids), not 'a:b:c'")]
    [InlineData(new[] { "format", "env", "user", "deploy" }, "sink 'files' (type file): 'user' applies only to a remote file; set 'host' too, or drop 'user'")]
    [InlineData(new[] { "format", "env", "host_key", "SHA256:x" }, "sink 'files' (type file): 'host_key' applies only to a remote file; set 'host' too, or drop 'host_key'")]
    [InlineData(new[] { "format", "env", "host", "web1", "private_key", "/nonexistent", "host_key", "SHA256:BliK4kUPDo1eFj6ykGGfCO5+SVI2tS6XRPSBvhhL5iM" },
        "sink 'files' (type file): 'user' is required with 'host'")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "private_key", "/nonexistent" },
        "sink 'files' (type file): 'host_key' is required with 'host': pin the server's public key line or its SHA256 fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on web1)")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "host_key", "SHA256:BliK4kUPDo1eFj6ykGGfCO5+SVI2tS6XRPSBvhhL5iM" },
        "sink 'files' (type file): a remote file needs 'private_key' or 'password'")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "password", "pw", "host_key", "SHA256:tooShort" },
        "sink 'files' (type file): 'host_key' is not valid: a SHA256 fingerprint is 'SHA256:' and 43 base64 characters, as 'ssh-keygen -lf' prints")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "password", "pw", "host_key", "web1" },
        "sink 'files' (type file): 'host_key' is not valid: expected the server's public key line ('ssh-ed25519 AAAA...') or its fingerprint ('SHA256:...')")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "password", "pw", "port", "70000", "host_key", "SHA256:BliK4kUPDo1eFj6ykGGfCO5+SVI2tS6XRPSBvhhL5iM" },
        "sink 'files' (type file): 'port' must be between 1 and 65535, not 70000")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "password", "pw", "owner", "app", "host_key", "SHA256:BliK4kUPDo1eFj6ykGGfCO5+SVI2tS6XRPSBvhhL5iM" },
        "sink 'files' (type file): over SFTP 'owner' must be numeric ids ('uid' or 'uid:gid'), not 'app': SFTP carries no user or group names")]
    [InlineData(new[] { "format", "env", "host", "web1", "user", "deploy", "private_key", "/nonexistent/key", "host_key", "SHA256:BliK4kUPDo1eFj6ykGGfCO5+SVI2tS6XRPSBvhhL5iM" },
        "sink 'files' (type file): 'private_key' is neither key text (starting with -----BEGIN) nor an existing key file ('/nonexistent/key' not found)")]
    public async Task Bad_settings_are_refused_naming_sink_and_setting(string[] pairs, string message)
    {
        var settings = Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], i => pairs[2 * i + 1]);
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => FileSinkSetup.CreateAsync(settings));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task Private_key_text_that_is_not_a_key_is_refused_without_echoing_it()
    {
        const string garbage = "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END OPENSSH PRIVATE KEY-----";
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => FileSinkSetup.CreateAsync(new Dictionary<string, string>
        {
            ["format"] = "env", ["host"] = "web1", ["user"] = "deploy", ["private_key"] = garbage, ["host_key"] = "SHA256:BliK4kUPDo1eFj6ykGGfCO5+SVI2tS6XRPSBvhhL5iM",
        }));
        Assert.StartsWith("sink 'files' (type file): 'private_key' cannot be read as an SSH private key (key text:", ex.Message);
        Assert.DoesNotContain("bm90IGEga2V5", ex.Message);
    }

    [Fact]
    public void Every_format_has_a_rendering()
    {
        Assert.Equal(["env", "ini", "json", "properties", "yaml"], FlatFileFormats.Names.Order());
        Assert.Equal(Core.Config.SinkTypes.All["file"].Single(s => s.Name == "format").Choices!.Order(), FlatFileFormats.Names.Order());
    }

    [Fact]
    public async Task The_file_is_utf8_without_a_bom()
    {
        var sink = await FileSinkSetup.LocalAsync("yaml");
        var path = _directory.File("app.yaml");
        await SyncAsync(sink, path, Values(("unicode", "日本語")));
        var bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Contains("\"unicode\": \"日本語\"", Encoding.UTF8.GetString(bytes));
    }
}
