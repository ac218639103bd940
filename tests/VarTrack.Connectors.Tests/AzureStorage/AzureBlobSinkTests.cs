using static VarTrack.Connectors.Tests.Sinks.DirectChanges;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.AzureStorage;

/// <summary>What is specific to <see cref="AzureBlobSink"/>, against the real Azurite: the blobs users read, ETag conditions, failures.</summary>
public sealed class AzureBlobSinkTests(AzuriteContainer container) : IClassFixture<AzuriteContainer>
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static string NewDestination() => $"apps/{Guid.NewGuid():N}/settings.json";

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private async Task<string> TextOf(string blobName) =>
        (await container.Container.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToString();

    private static async Task SyncOkAsync(SinkTestHarness harness, SyncJob job)
    {
        var report = await harness.Executor().RunAsync(job);
        Assert.True(report.Succeeded, string.Join("; ", report.Sinks.Select(s => s.Error)));
    }

    private static void AssertNoSecret(string message)
    {
        Assert.DoesNotContain(AccountKey, message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_blob_is_sorted_indented_json_and_the_sidecar_holds_one_record_per_owner()
    {
        var sink = await container.CreateSinkAsync();
        var harness = new SinkTestHarness(sink, AzureBlobSinkFactory.TypeName);
        var destination = NewDestination();
        await SyncOkAsync(harness, harness.Job(destination, Values(("db.port", "5432"), ("db.host", "db.internal"), ("optional", null), ("db.password", "pw-1")),
            secretKeys: new HashSet<string> { "db.password" }));
        await SyncOkAsync(harness, harness.Job(destination, Values(("other", "theirs")), file: "config/other.yaml"));

        Assert.Equal(
            "{\n  \"db.host\": \"db.internal\",\n  \"db.password\": \"pw-1\",\n  \"db.port\": \"5432\",\n  \"optional\": null,\n  \"other\": \"theirs\"\n}",
            await TextOf(destination));
        var properties = await container.Container.GetBlobClient(destination).GetPropertiesAsync();
        Assert.Equal("application/json", properties.Value.ContentType);

        using var sidecar = JsonDocument.Parse(await TextOf(destination + ".vartrack.json"));
        Assert.Equal(["contract:config/app.yaml", "contract:config/other.yaml"], sidecar.RootElement.EnumerateObject().Select(p => p.Name));
        var record = sidecar.RootElement.GetProperty("contract:config/app.yaml");
        Assert.Equal(1, record.GetProperty("schema_version").GetInt32());
        Assert.Equal("config/app.yaml", record.GetProperty("source_file").GetString());
        Assert.Equal("c1", record.GetProperty("commit").GetString());
        Assert.Equal(["db.host", "db.password", "db.port", "optional"], record.GetProperty("owned_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["db.password"], record.GetProperty("secret_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["optional"], record.GetProperty("null_keys").EnumerateArray().Select(k => k.GetString()));

        var blobs = new List<string>();
        await foreach (var blob in container.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, destination[..destination.LastIndexOf('/')], CancellationToken.None))
            blobs.Add(blob.Name);
        Assert.Equal([destination, destination + ".vartrack.json"], blobs.Order(StringComparer.Ordinal));

        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.True(snapshot.Values["optional"].IsNull);
        Assert.Equal(["db.host", "db.password", "db.port", "optional"], snapshot.Provenance!.OwnedKeys.Order());
    }

    [Fact]
    public async Task A_missing_container_reads_as_empty_and_is_created_by_the_first_write()
    {
        var name = "vt-new-" + Guid.NewGuid().ToString("N")[..20];
        var sink = await container.CreateSinkAsync(container: name);
        var fresh = container.Service.GetBlobContainerClient(name);
        try
        {
            var empty = await sink.ReadAsync(Target("config.json"));
            Assert.Empty(empty.Values);
            Assert.Null(empty.Provenance);
            Assert.False((await fresh.ExistsAsync()).Value);

            await sink.ApplyAsync(Target("config.json"), Upserts(("a", "1")), Record("a"));

            Assert.True((await fresh.ExistsAsync()).Value);
            Assert.Equal("1", (await sink.ReadAsync(Target("config.json"))).Values["a"].Reveal());
        }
        finally
        {
            await fresh.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task A_hand_edit_between_read_and_write_fails_the_write_and_is_kept()
    {
        var destination = NewDestination();
        var plain = await container.CreateSinkAsync();
        await plain.ApplyAsync(Target(destination), Upserts(("a", "1")), Record("a"));

        var handEdit = "{\"a\": \"1\", \"hand\": \"edited\"}";
        var sink = SinkWithHookBeforeFirstPut(destination, () =>
            container.Container.GetBlobClient(destination).UploadAsync(BinaryData.FromString(handEdit), overwrite: true));

        var error = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(destination), Upserts(("a", "2")), Record("a")));

        Assert.Equal($"blob '{container.Name}/{destination}' changed concurrently (its ETag no longer matches the one read before writing); sync again", error.Message);
        Assert.Equal(handEdit, await TextOf(destination));
    }

    [Fact]
    public async Task A_blob_created_by_someone_else_between_read_and_write_is_not_overwritten()
    {
        var destination = NewDestination();
        var sink = SinkWithHookBeforeFirstPut(destination, () =>
            container.Container.GetBlobClient(destination).UploadAsync(BinaryData.FromString("{\"theirs\": \"x\"}")));

        var error = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(destination), Upserts(("a", "1")), Record("a")));

        Assert.Contains($"blob '{container.Name}/{destination}' changed concurrently", error.Message);
        Assert.Equal("{\"theirs\": \"x\"}", await TextOf(destination));
    }

    [Fact]
    public async Task Through_the_executor_a_concurrent_edit_fails_the_sync_naming_sink_and_blob()
    {
        var destination = NewDestination();
        var plain = await container.CreateSinkAsync();
        var harness = new SinkTestHarness(plain, AzureBlobSinkFactory.TypeName);
        await SyncOkAsync(harness, harness.Job(destination, Values(("a", "1"))));

        var sink = SinkWithHookBeforeFirstPut(destination, () =>
            container.Container.GetBlobClient(destination).UploadAsync(BinaryData.FromString("{\"a\": \"1\", \"hand\": \"edited\"}"), overwrite: true));
        var report = await new SinkTestHarness(sink, AzureBlobSinkFactory.TypeName).Executor().RunAsync(harness.Job(destination, Values(("a", "2")), commit: "c2"));

        var result = report.Sinks.Single();
        Assert.Equal(SinkOutcome.Failed, result.Outcome);
        Assert.Equal($"sink 'primary' (azure_blob) destination '{destination}': blob '{container.Name}/{destination}' changed concurrently " +
                     "(its ETag no longer matches the one read before writing); sync again", result.Error);
        // The refused write wrote nothing, so nothing is "restored" over the hand edit: it stays.
        Assert.Equal("{\"a\": \"1\", \"hand\": \"edited\"}", await TextOf(destination));
    }

    [Theory]
    [InlineData("", "the blob name is empty")]
    [InlineData("configs/", "a blob name must not end with '/' or '.'")]
    [InlineData("config.", "a blob name must not end with '/' or '.'")]
    public async Task Invalid_blob_names_are_refused_before_any_request(string destination, string reason)
    {
        var sink = await container.CreateSinkAsync();
        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(destination)));
        Assert.Equal($"destination '{destination}' is not a valid blob name: {reason}", error.Message);
    }

    [Fact]
    public async Task A_blob_name_too_long_for_its_sidecar_is_refused()
    {
        var sink = await container.CreateSinkAsync();
        var destination = new string('a', 1011);
        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target(destination), Upserts(("a", "1")), Record("a")));
        Assert.Contains("is longer than 1010 characters", error.Message);
        Assert.NotNull(AzureBlobSink.BlobNameOf(new string('a', 1010)));
    }

    [Fact]
    public async Task Bad_settings_name_the_sink_and_setting_and_never_repeat_the_connection_string()
    {
        var factory = new AzureBlobSinkFactory();

        var badContainer = await Assert.ThrowsAsync<VarTrackException>(() =>
            factory.CreateAsync(AzuriteContainer.Settings(new Dictionary<string, string> { ["connection"] = TestServices.AzureStorage, ["container"] = "Bad_Name" })));
        Assert.Equal("sink 'blob': setting 'container' 'Bad_Name' is not a valid container name: " +
                     "use lowercase letters, digits and single hyphens, starting and ending with a letter or digit", badContainer.Message);

        var shortContainer = await Assert.ThrowsAsync<VarTrackException>(() =>
            factory.CreateAsync(AzuriteContainer.Settings(new Dictionary<string, string> { ["connection"] = TestServices.AzureStorage, ["container"] = "ab" })));
        Assert.Contains("it must be 3 to 63 characters long", shortContainer.Message);

        var doubleHyphen = await Assert.ThrowsAsync<VarTrackException>(() =>
            factory.CreateAsync(AzuriteContainer.Settings(new Dictionary<string, string> { ["connection"] = TestServices.AzureStorage, ["container"] = "a--b" })));
        Assert.Contains("single hyphens", doubleHyphen.Message);

        const string garbage = "AccountKey=hunter2-not-a-connection-string";
        var badConnection = await Assert.ThrowsAsync<VarTrackException>(() =>
            factory.CreateAsync(AzuriteContainer.Settings(new Dictionary<string, string> { ["connection"] = garbage, ["container"] = "configs" })));
        Assert.Equal("sink 'blob': setting 'connection' is not a valid Azure Storage connection string", badConnection.Message);
        Assert.DoesNotContain("hunter2", badConnection.ToString(), StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<VarTrackException>(() =>
            factory.CreateAsync(AzuriteContainer.Settings(new Dictionary<string, string> { ["connection"] = TestServices.AzureStorage })));
        Assert.Equal("sink 'blob': setting 'container' is required for type azure_blob", missing.Message);
    }

    [Fact]
    public async Task Server_down_names_the_blob_and_endpoint_and_not_the_key()
    {
        var port = TestServices.UnusedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var sink = (AzureBlobSink)await new AzureBlobSinkFactory().CreateAsync(AzuriteContainer.Settings(new Dictionary<string, string>
        {
            ["connection"] = connection,
            ["container"] = "configs",
        }));
        var harness = new SinkTestHarness(sink, AzureBlobSinkFactory.TypeName);

        var report = await harness.Executor().RunAsync(harness.Job("app/config.json", Values(("a", "1"))));

        var error = report.Sinks.Single().Error!;
        Assert.Equal($"sink 'primary' (azure_blob) destination 'app/config.json': blob 'configs/app/config.json': cannot reach http://127.0.0.1:{port}/devstoreaccount1 (connection refused)", error);
        AssertNoSecret(error);
    }

    [Fact]
    public async Task A_wrong_account_key_is_refused_with_403_and_the_key_is_not_shown()
    {
        var wrongKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("this-is-not-the-azurite-account-key-0123456789"));
        var connection = TestServices.AzureStorage.Replace(AccountKey, wrongKey, StringComparison.Ordinal);
        Assert.NotEqual(TestServices.AzureStorage, connection);
        var sink = await container.CreateSinkAsync(connection: connection);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target("app/config.json")));

        Assert.StartsWith($"blob '{container.Name}/app/config.json': access refused by the storage account at http://", error.Message);
        Assert.Contains("(403 AuthorizationFailure); check the account key or SAS in 'connection'", error.Message);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
        AssertNoSecret(error.Message);
    }

    [Fact]
    public async Task A_corrupt_sidecar_or_data_blob_is_a_clear_error_naming_the_blob()
    {
        var sink = await container.CreateSinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(Target(destination), Upserts(("a", "1")), Record("a"));

        await container.Container.GetBlobClient(destination + ".vartrack.json").UploadAsync(BinaryData.FromString("{\"contract:config/app.yaml\": [1]}"), overwrite: true);
        var badRecord = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(destination)));
        Assert.Equal($"provenance record at blob '{container.Name}/{destination}.vartrack.json' (owner 'contract:config/app.yaml') is not valid: expected an object", badRecord.Message);

        await container.Container.GetBlobClient(destination + ".vartrack.json").UploadAsync(BinaryData.FromString("not json"), overwrite: true);
        var notJson = await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target(destination), Upserts(("a", "2")), Record("a")));
        Assert.StartsWith($"provenance record at blob '{container.Name}/{destination}.vartrack.json' is not valid: ", notJson.Message);
        Assert.Equal("{\n  \"a\": \"1\"\n}", await TextOf(destination));

        await container.Container.GetBlobClient(destination).UploadAsync(BinaryData.FromString("[\"a\"]"), overwrite: true);
        var badData = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(destination)));
        Assert.Equal($"document at blob '{container.Name}/{destination}' is not a flat JSON map: expected a JSON object of key -> value, found array", badData.Message);
    }

    [Fact]
    public async Task A_destination_left_with_no_keys_and_no_records_is_deleted_and_one_with_others_keys_is_kept()
    {
        var sink = await container.CreateSinkAsync();
        var mine = NewDestination();
        await sink.ApplyAsync(Target(mine), Upserts(("a", "1")), Record("a"));
        await ((ISink)sink).RestoreAsync(Target(mine), Snapshot.Empty);
        Assert.False((await container.Container.GetBlobClient(mine).ExistsAsync()).Value);
        Assert.False((await container.Container.GetBlobClient(mine + ".vartrack.json").ExistsAsync()).Value);

        var shared = NewDestination();
        await container.Container.GetBlobClient(shared).UploadAsync(BinaryData.FromString("{\"theirs\": \"x\"}"));
        await sink.ApplyAsync(Target(shared), Upserts(("a", "1")), Record("a"));
        await ((ISink)sink).RestoreAsync(Target(shared), new Snapshot(new Dictionary<string, FlatValue> { ["theirs"] = FlatValue.Text("x") }, null));
        Assert.Equal("{\n  \"theirs\": \"x\"\n}", await TextOf(shared));
        Assert.Equal("{}", await TextOf(shared + ".vartrack.json"));
    }

    [Fact]
    public async Task A_provenance_only_change_leaves_the_data_blob_untouched()
    {
        var sink = await container.CreateSinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(Target(destination), Upserts(("a", "1")), Record("a"));
        var before = (await container.Container.GetBlobClient(destination).GetPropertiesAsync()).Value.ETag;

        await sink.ApplyAsync(Target(destination), Upserts(), Record("a") with { Commit = "c2" });

        Assert.Equal(before, (await container.Container.GetBlobClient(destination).GetPropertiesAsync()).Value.ETag);
        Assert.Equal("c2", (await sink.ReadAsync(Target(destination))).Provenance!.Commit);
    }

    /// <summary>A sink whose client runs <paramref name="hook"/> (a concurrent writer) just before its first PUT of <paramref name="blobName"/>.</summary>
    private AzureBlobSink SinkWithHookBeforeFirstPut(string blobName, Func<Task> hook)
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var options = new BlobClientOptions();
        options.AddPolicy(new BeforeFirstPut(blobName, hook), HttpPipelinePosition.PerCall);
        return new AzureBlobSink(new BlobContainerClient(TestServices.AzureStorage, container.Name, options));
    }

    private sealed class BeforeFirstPut(string blobName, Func<Task> hook) : HttpPipelinePolicy
    {
        private int _fired;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == RequestMethod.Put && Uri.UnescapeDataString(message.Request.Uri.Path).EndsWith("/" + blobName, StringComparison.Ordinal)
                && Interlocked.Exchange(ref _fired, 1) == 0)
                await hook();
            await ProcessNextAsync(message, pipeline);
        }
    }
}
