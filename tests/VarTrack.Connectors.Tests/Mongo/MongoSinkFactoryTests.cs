using VarTrack.Connectors.Mongo;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>Settings, unreachable servers and refused authentication: clear errors that name the destination and never a secret.</summary>
public sealed class MongoSinkFactoryTests : IAsyncLifetime
{
    private const string Password = "s3cret-Pa55word";

    private readonly MongoTestSinks _sinks = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sinks.DisposeAsync();

    private static Task<ISink> CreateAsync(Dictionary<string, string> values) => new MongoSinkFactory(MongoTestSinks.ServerDownTimeout).CreateAsync(MongoTestSinks.Settings(values));

    private static Dictionary<string, string> Valid(string? mode = null)
    {
        var values = new Dictionary<string, string> { ["connection"] = "mongodb://127.0.0.1:27017", ["database"] = "vartrack", ["collection"] = "settings" };
        if (mode is not null) values["mode"] = mode;
        return values;
    }

    [Fact]
    public async Task The_type_is_mongodb_and_mode_picks_the_sink()
    {
        Assert.Equal("mongodb", new MongoSinkFactory().Type);
        await using var byDefault = (IAsyncDisposable)await CreateAsync(Valid());
        await using var document = (IAsyncDisposable)await CreateAsync(Valid("document"));
        await using var file = (IAsyncDisposable)await CreateAsync(Valid("file"));
        Assert.IsType<MongoDocumentSink>(byDefault);
        Assert.IsType<MongoDocumentSink>(document);
        Assert.IsType<MongoFileSink>(file);
    }

    [Theory]
    [InlineData("connection", $"postgres://admin:{Password}@db:5432", "setting 'connection' is not a valid MongoDB connection string")]
    [InlineData("connection", $"mongodb://admin:{Password}@", "setting 'connection' is not a valid MongoDB connection string")]
    [InlineData("mode", "documents", "setting 'mode' must be 'document' or 'file', not 'documents'")]
    [InlineData("database", "my.db", "setting 'database' 'my.db' may not contain any of")]
    [InlineData("database", "", "setting 'database' may not be empty")]
    [InlineData("collection", "a$b", "setting 'collection' 'a$b' may not contain '$'")]
    [InlineData("collection", "system.users", "setting 'collection' 'system.users' is reserved")]
    public async Task Bad_settings_name_the_sink_and_the_setting_and_never_the_password(string setting, string value, string expected)
    {
        var values = Valid();
        values[setting] = value;

        var error = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(values));

        Assert.StartsWith($"sink 'mongo': {expected}", error.Message);
        Assert.DoesNotContain(Password, error.Message);
        Assert.Equal("mongo", error.Problems.Single().Sink);
    }

    [Fact]
    public async Task A_missing_required_setting_is_named()
    {
        var values = Valid();
        values.Remove("collection");
        var error = await Assert.ThrowsAsync<VarTrackException>(() => CreateAsync(values));
        Assert.Equal("sink 'mongo': setting 'collection' is required for type mongodb", error.Message);
    }

    [Theory]
    [InlineData("document")]
    [InlineData("file")]
    public async Task A_server_that_is_down_is_a_clear_error_naming_the_destination_without_the_password(string mode)
    {
        var port = TestServices.UnusedPort();
        var sink = await _sinks.CreateAsync($"mongodb://admin:{Password}@127.0.0.1:{port}/", "settings", mode, timeout: MongoTestSinks.ServerDownTimeout);
        var destination = $"production/{Guid.NewGuid():N}";

        var read = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));
        Assert.Equal($"no MongoDB server was reachable within 2s while reading destination '{destination}' in vartrack.settings (Connection refused)", read.Message);

        var write = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"])));
        Assert.StartsWith($"no MongoDB server was reachable within 2s while writing destination '{destination}' in vartrack.settings", write.Message);
        Assert.DoesNotContain(Password, read.Message + write.Message);
    }

    [Fact]
    public async Task The_executor_reports_a_server_that_is_down_with_sink_and_destination()
    {
        var connection = $"mongodb://admin:{Password}@127.0.0.1:{TestServices.UnusedPort()}/";
        var sink = await _sinks.CreateAsync(connection, "settings", "document", timeout: MongoTestSinks.ServerDownTimeout);
        var harness = new SinkTestHarness(sink, "mongodb");
        var destination = $"production/{Guid.NewGuid():N}";

        var report = await harness.Executor().RunAsync(harness.Job(destination, new Dictionary<string, string?> { ["a"] = "1" }));

        Assert.False(report.Succeeded);
        var error = report.Sinks.Single().Error!;
        Assert.StartsWith($"sink 'primary' (mongodb) destination '{destination}': no MongoDB server was reachable within 2s", error);
        Assert.DoesNotContain(Password, error);
        Assert.DoesNotContain(connection, error);
    }

    [Fact]
    public async Task A_timeout_in_the_connection_string_wins_over_the_default()
    {
        var sink = await _sinks.CreateAsync($"mongodb://127.0.0.1:{TestServices.UnusedPort()}/?serverSelectionTimeoutMS=300", "settings", "document", timeout: MongoTestSinks.ServerDownTimeout);
        var destination = $"production/{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));

        Assert.StartsWith("no MongoDB server was reachable within 0.3s", error.Message);
    }

    [Fact]
    public async Task The_right_password_authenticates_with_scram_sha_256()
    {
        await using var server = FakeMongoServer.Start(new Dictionary<string, string> { ["vartrack"] = "p@ss:w/rd" });
        var sink = await _sinks.CreateAsync(server.ConnectionString("vartrack", "p@ss:w/rd"), "settings", "document");
        var destination = $"production/{Guid.NewGuid():N}";

        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));

        Assert.Equal("1", (await sink.ReadAsync(DirectChanges.Target(destination))).Values["a"].Reveal());
        var start = server.Commands.First(c => c.Name == "saslStart");
        Assert.Equal("SCRAM-SHA-256", start.Command["mechanism"].AsString);
        Assert.Contains(server.Commands, c => c.Name == "saslContinue");
    }

    [Theory]
    [InlineData("vartrack", "wrong-password")]
    [InlineData("nobody", Password)]
    public async Task Refused_authentication_is_a_clear_error_without_the_password(string user, string password)
    {
        await using var server = FakeMongoServer.Start(new Dictionary<string, string> { ["vartrack"] = Password });
        var sink = await _sinks.CreateAsync(server.ConnectionString(user, password), "settings", "document");
        var destination = $"production/{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));

        Assert.Equal($"MongoDB refused authentication while reading destination '{destination}' in vartrack.settings: Authentication failed. (code 18 AuthenticationFailed)", error.Message);
        Assert.DoesNotContain(password, error.Message);
        Assert.Empty(server.DataCommands);
    }

    [Fact]
    public async Task Without_credentials_a_server_requiring_auth_refuses_the_command()
    {
        await using var server = FakeMongoServer.Start(new Dictionary<string, string> { ["vartrack"] = Password });
        var sink = await _sinks.CreateAsync(server.ConnectionString(), "settings", "document");
        var destination = $"production/{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));

        Assert.Equal($"MongoDB refused the command while reading destination '{destination}' in vartrack.settings: Command find requires authentication (code 13 Unauthorized)", error.Message);
    }
}
