using VarTrack.Connectors.Files;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Files;

/// <summary>
/// The file sink over SFTP against the real test sshd (scripts/services.sh), which runs on this machine: what it
/// writes is checked on the local file system. Host key pinning, authentication and connection failures included.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // modes and owners are POSIX
public sealed class SftpFileSinkTests : IAsyncLifetime
{
    private readonly ScratchDirectory _directory = new("vt-sftp-");
    private readonly List<FileSink> _sinks = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var sink in _sinks) await sink.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<FileSink> SinkAsync(string format = "env", params (string Name, string? Value)[] changes)
    {
        var settings = FileSinkSetup.Sftp(format);
        foreach (var (name, value) in changes)
        {
            if (value is null) settings.Remove(name);
            else settings[name] = value;
        }
        var sink = await FileSinkSetup.CreateAsync(settings);
        _sinks.Add(sink);
        return sink;
    }

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private static SinkTarget Target(string destination) => new(destination, "contract", "config/app.yaml");

    private static async Task<SinkReport> SyncAsync(ISink sink, string destination, Dictionary<string, string?> values, string commit = "c1")
    {
        var harness = new SinkTestHarness(sink, "file");
        return (await harness.Executor().RunAsync(harness.Job(destination, values, commit: commit))).Sinks.Single();
    }

    private static string Endpoint
    {
        get
        {
            var (user, host, port) = FileSinkSetup.SshEndpoint;
            return $"{user}@{host}:{port}";
        }
    }

    [Fact]
    public async Task The_remote_file_is_rendered_exactly_as_a_local_one_with_its_sidecar()
    {
        var sink = await SinkAsync("yaml");
        var path = _directory.File("app.yaml");
        var values = Values(("db.host", "x"), ("multi", "a\nb"), ("optional", null), ("unicode", "日本語 🚀"));
        var report = await SyncAsync(sink, path, values);
        Assert.Equal(SinkOutcome.Applied, report.Outcome);

        Assert.Equal(new YamlFileFormat().Render(FlatFileAssert.Values(values)), File.ReadAllBytes(path));
        Assert.Equal(["app.yaml", "app.yaml.vartrack.json"], _directory.Names());
        var snapshot = await sink.ReadAsync(Target(path));
        Assert.Equal(values, snapshot.Values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
        Assert.Equal(["optional"], snapshot.Provenance!.NullKeys);
    }

    [Fact]
    public async Task A_remote_write_replaces_the_file_by_rename_and_leaves_no_temporary_file()
    {
        var sink = await SinkAsync();
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        var inode = FileSinkSetup.InodeOf(path);
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        Assert.Equal(SinkOutcome.Applied, (await SyncAsync(sink, path, Values(("a", "2")), commit: "c2")).Outcome);
        Assert.NotEqual(inode, FileSinkSetup.InodeOf(path));
        Assert.EndsWith("a=1\n", new StreamReader(reader).ReadToEnd());
        Assert.EndsWith("a=2\n", File.ReadAllText(path));
        Assert.Equal(["app.env", "app.env.vartrack.json"], _directory.Names());
    }

    [Fact]
    public async Task File_mode_owner_and_backup_apply_on_the_server()
    {
        var sink = await SinkAsync("env", ("file_mode", "0600"), ("owner", "65534:65534"), ("backup", "true"));
        var path = _directory.File("app.env");
        Assert.Equal(SinkOutcome.Applied, (await SyncAsync(sink, path, Values(("a", "1")))).Outcome);
        var first = File.ReadAllText(path);
        Assert.Equal(SinkOutcome.Applied, (await SyncAsync(sink, path, Values(("a", "2")), commit: "c2")).Outcome);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("65534:65534", FileSinkSetup.OwnerOf(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".vartrack.json"));
        Assert.Equal(first, File.ReadAllText(path + ".bak"));
        Assert.Equal(["app.env", "app.env.bak", "app.env.vartrack.json"], _directory.Names());
    }

    [Fact]
    public async Task Without_file_mode_a_replaced_remote_file_keeps_its_mode()
    {
        var sink = await SinkAsync();
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        await SyncAsync(sink, path, Values(("a", "2")), commit: "c2");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task The_host_key_may_be_pinned_by_its_sha256_fingerprint()
    {
        var sink = await SinkAsync("env", ("host_key", FileSinkSetup.HostKeyFingerprint));
        var path = _directory.File("app.env");
        Assert.Equal(SinkOutcome.Applied, (await SyncAsync(sink, path, Values(("a", "1")))).Outcome);
    }

    [Fact]
    public async Task Private_key_text_works_like_a_key_file()
    {
        var sink = await SinkAsync("env", ("private_key", File.ReadAllText(TestServices.SshKeyFile)));
        Assert.Empty((await sink.ReadAsync(Target(_directory.File("app.env")))).Values);
    }

    [Fact]
    public async Task Another_host_key_is_refused_naming_the_host_and_both_fingerprints()
    {
        // The client's own public key: a valid ed25519 key that is not the server's.
        var wrongLine = File.ReadAllText(TestServices.SshKeyFile + ".pub").Trim();
        var wrong = SshHostKeyPin.FingerprintOf(Convert.FromBase64String(wrongLine.Split(' ')[1]));
        var (_, host, port) = FileSinkSetup.SshEndpoint;
        foreach (var pin in new[] { wrongLine, wrong })
        {
            var sink = await SinkAsync("env", ("host_key", pin));
            var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(_directory.File("app.env"))));
            Assert.Equal($"host key of {host}:{port} does not match 'host_key' of sink 'files': the server offered {FileSinkSetup.HostKeyFingerprint}, expected {wrong}; refusing to connect",
                ex.Message);
        }
    }

    [Fact]
    public async Task A_pinned_key_type_the_server_lacks_is_refused()
    {
        // A well-formed RSA key line: the server has only an ed25519 host key.
        const string rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7";
        var sink = await SinkAsync("env", ("host_key", rsa));
        var ex = await Assert.ThrowsAsync<IOException>(() => sink.ReadAsync(Target(_directory.File("app.env"))));
        var (_, host, port) = FileSinkSetup.SshEndpoint;
        Assert.Equal($"cannot connect to {host}:{port}: the server has no ssh-rsa host key, the type pinned by 'host_key' (No matching host key algorithm (server offers ssh-ed25519))",
            ex.Message);
    }

    [Fact]
    public async Task An_unknown_user_is_refused_naming_user_and_host()
    {
        var sink = await SinkAsync("env", ("user", "no-such-user-vt"));
        var (_, host, port) = FileSinkSetup.SshEndpoint;
        var report = await SyncAsync(sink, _directory.File("app.env"), Values(("a", "1")));
        Assert.Equal(SinkOutcome.Failed, report.Outcome);
        Assert.Contains($"authentication as no-such-user-vt@{host}:{port} was refused (check 'user', 'private_key' and 'password' of sink 'files')", report.Error);
        Assert.Empty(_directory.Names());
    }

    [Fact]
    public async Task A_refused_password_never_appears_in_the_error()
    {
        const string password = "correct-horse-battery-staple";
        var sink = await SinkAsync("env", ("private_key", null), ("password", password));
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(_directory.File("app.env"))));
        Assert.Equal($"authentication as {Endpoint} was refused (check 'user', 'private_key' and 'password' of sink 'files')", ex.Message);
        Assert.DoesNotContain(password, ex.Message);
    }

    [Fact]
    public async Task A_server_that_is_down_fails_clearly_naming_the_destination()
    {
        var port = TestServices.UnusedPort();
        var sink = await SinkAsync("env", ("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var path = _directory.File("app.env");
        var report = await SyncAsync(sink, path, Values(("a", "1")));
        Assert.Equal(SinkOutcome.Failed, report.Outcome);
        Assert.StartsWith($"sink 'primary' (file) destination '{path}': cannot connect to 127.0.0.1:{port}: Connection refused", report.Error);
    }

    [Fact]
    public async Task A_dropped_connection_is_opened_again()
    {
        var sink = await SinkAsync();
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        await ((SftpFileStore)sink.Store).DisconnectAsync();

        Assert.Equal("1", (await sink.ReadAsync(Target(path))).Values["a"].Reveal());
        Assert.Equal(SinkOutcome.Applied, (await SyncAsync(sink, path, Values(("a", "2")), commit: "c2")).Outcome);
    }

    [Fact]
    public async Task A_corrupt_remote_sidecar_fails_clearly_naming_it()
    {
        var sink = await SinkAsync();
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        File.WriteAllText(path + ".vartrack.json", "[]");
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(path)));
        Assert.Equal($"provenance record at {Endpoint}:{path}.vartrack.json is not valid: expected an object of owner -> record", ex.Message);
    }

    [Fact]
    public async Task A_missing_remote_directory_is_reported_and_never_created()
    {
        var sink = await SinkAsync();
        var path = Path.Combine(_directory.Path, "missing", "app.env");
        Assert.Empty((await sink.ReadAsync(Target(path))).Values);
        var report = await SyncAsync(sink, path, Values(("a", "1")));
        Assert.Contains($"directory {Endpoint}:{Path.Combine(_directory.Path, "missing")} does not exist (the file sink does not create directories)", report.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "missing")));
    }

    [Fact]
    public async Task A_remote_hand_edit_between_read_and_apply_is_not_overwritten()
    {
        var sink = await SinkAsync();
        var path = _directory.File("app.env");
        await SyncAsync(sink, path, Values(("a", "1")));
        var snapshot = await sink.ReadAsync(Target(path));
        File.AppendAllText(path, "hand=edit\n");
        var changes = Planner.Plan(new Core.Etl.FlatMap([KeyValuePair.Create("a", Core.Etl.FlatValue.Text("2"))]), snapshot, PlanOptions.For(SinkTestHarness.Rule()));
        var ex = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(path), changes, snapshot.Provenance));
        Assert.StartsWith($"{Endpoint}:{path} changed since it was read", ex.Message);
    }

    [Fact]
    public async Task A_relative_remote_destination_is_refused()
    {
        var sink = await SinkAsync();
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target("app.env")));
        Assert.Equal($"destination 'app.env' of sink 'files' must be an absolute path to a file on {FileSinkSetup.SshEndpoint.Host} (starting with '/')", ex.Message);
    }
}
