using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>The contract against the real Azurite (one container per class run, deleted after), plus the blob layout and failures.</summary>
public sealed class BlobSyncInfoStoreTests(AzuriteContainer container) : SyncInfoStoreContractTests, IClassFixture<AzuriteContainer>
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string SasSignature = "c2VjcmV0LXNhcy1zaWduYXR1cmUtZm9yLXRlc3Rz";

    protected override ISyncInfoStore CreateStore()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        return BlobSyncInfoStore.Create(TestServices.AzureStorage, container.Name);
    }

    private static string AccountEndpoint => new BlobServiceClient(TestServices.AzureStorage).Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static void AssertNoSecret(string message)
    {
        Assert.DoesNotContain(AccountKey, message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", message, StringComparison.Ordinal);
        Assert.DoesNotContain(SasSignature, message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_blobs_written_are_the_documented_layout()
    {
        await Store.WriteBucketAsync(Owner, "0123456789abcdef01234567", 0, Bytes("b0"));
        await Store.WriteBucketAsync(Owner, "0123456789abcdef01234567", 7, Bytes("b7"));
        await Store.WriteBucketAsync(Owner, "0123456789abcdef01234567", 1234, Bytes("b1234"));
        var tag = await Store.WriteIndexAsync(Owner, Bytes("{}"), expectedTag: null);

        var blobs = container.Container.GetBlobs(new GetBlobsOptions { Prefix = Owner + "/" }).Select(b => b.Name).ToList();

        Assert.Equal(
        [
            $"{Owner}/generations/0123456789abcdef01234567/bucket-0000.json",
            $"{Owner}/generations/0123456789abcdef01234567/bucket-0007.json",
            $"{Owner}/generations/0123456789abcdef01234567/bucket-1234.json",
            $"{Owner}/index.json",
        ], blobs);
        var index = await container.Container.GetBlobClient($"{Owner}/index.json").GetPropertiesAsync();
        Assert.Equal(tag, index.Value.ETag.ToString());
        Assert.Equal("application/json", index.Value.ContentType);
        Assert.Equal("b7", (await container.Container.GetBlobClient($"{Owner}/generations/0123456789abcdef01234567/bucket-0007.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal($"{Owner}/index.json", BlobSyncInfoStore.IndexBlobName(Owner));
        Assert.Equal($"{Owner}/generations/g/bucket-0042.json", BlobSyncInfoStore.BucketBlobName(Owner, "g", 42));
    }

    [Fact]
    public async Task A_hand_edit_of_the_index_changes_its_tag_so_a_publisher_that_read_before_it_conflicts()
    {
        var tag = await Store.WriteIndexAsync(Owner, Bytes("published"), expectedTag: null);
        await container.Container.GetBlobClient($"{Owner}/index.json").UploadAsync(BinaryData.FromString("edited by hand"), overwrite: true);

        await Assert.ThrowsAsync<SyncInfoConflictException>(() => Store.WriteIndexAsync(Owner, Bytes("next"), tag));

        Assert.Equal("edited by hand", Text((await Store.ReadIndexAsync(Owner))?.Data));
    }

    [Fact]
    public async Task A_lease_someone_holds_is_reported_as_a_failure_naming_the_blob_not_as_a_conflict()
    {
        var generation = NewName("g");
        for (var bucket = 0; bucket < 6; bucket++) await Store.WriteBucketAsync(Owner, generation, bucket, Bytes("x"));
        var tag = await Store.WriteIndexAsync(Owner, Bytes("index"), expectedTag: null);
        var bucketLease = container.Container.GetBlobClient($"{Owner}/generations/{generation}/bucket-0003.json").GetBlobLeaseClient();
        var indexLease = container.Container.GetBlobClient($"{Owner}/index.json").GetBlobLeaseClient();
        await bucketLease.AcquireAsync(TimeSpan.FromSeconds(15));
        await indexLease.AcquireAsync(TimeSpan.FromSeconds(15));
        try
        {
            var delete = await Assert.ThrowsAsync<SyncInfoStoreException>(() => Store.DeleteGenerationAsync(Owner, generation));
            Assert.Equal($"cannot delete the sync info blob '{container.Name}/{Owner}/generations/{generation}/bucket-0003.json': storage answered 412 LeaseIdMissing", delete.Message);

            var publish = await Assert.ThrowsAsync<SyncInfoStoreException>(() => Store.WriteIndexAsync(Owner, Bytes("next"), tag));
            Assert.Equal($"cannot publish the sync info index '{container.Name}/{Owner}/index.json': storage answered 412 LeaseIdMissing", publish.Message);
            Assert.Equal("index", Text((await Store.ReadIndexAsync(Owner))?.Data));
        }
        finally
        {
            await bucketLease.ReleaseAsync();
            await indexLease.ReleaseAsync();
        }
    }

    [Fact]
    public async Task Listing_generations_is_one_hierarchical_request_and_deleting_one_is_a_listing_plus_one_delete_per_bucket()
    {
        var generations = Enumerable.Range(0, 3).Select(_ => NewName("g")).ToList();
        foreach (var generation in generations)
            for (var bucket = 0; bucket < 10; bucket++) await Store.WriteBucketAsync(Owner, generation, bucket, Bytes("x"));
        var requests = new RecordingPolicy();
        var store = new BlobSyncInfoStore(RecordedService(requests).GetBlobContainerClient(container.Name));

        Assert.Equal(generations.Order(StringComparer.Ordinal), (await store.ListGenerationsAsync(Owner)).Order(StringComparer.Ordinal));

        var listing = Assert.Single(requests.Taken());
        Assert.Equal("GET", listing.Method);
        Assert.Contains("comp=list", listing.Query, StringComparison.Ordinal);
        Assert.Contains("delimiter=%2F", listing.Query, StringComparison.Ordinal);
        Assert.Contains($"prefix={Owner}%2Fgenerations%2F", listing.Query, StringComparison.Ordinal);

        await store.DeleteGenerationAsync(Owner, generations[0]);

        var deletion = requests.Taken();
        Assert.Equal(11, deletion.Count);
        Assert.Single(deletion, r => r is { Method: "GET" } && r.Query.Contains("comp=list", StringComparison.Ordinal));
        Assert.Equal(10, deletion.Count(r => r.Method == "DELETE"));
        Assert.Equal(generations.Skip(1).Order(StringComparer.Ordinal), (await store.ListGenerationsAsync(Owner)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Blobs_that_are_not_generations_are_not_listed()
    {
        var generation = NewName("g");
        await Store.WriteBucketAsync(Owner, generation, 0, Bytes("x"));
        await container.Container.GetBlobClient($"{Owner}/generations/stray.json").UploadAsync(BinaryData.FromString("foreign"));
        await container.Container.GetBlobClient($"{Owner}/generations/not.ours/bucket-0000.json").UploadAsync(BinaryData.FromString("foreign"));

        Assert.Equal([generation], await Store.ListGenerationsAsync(Owner));
    }

    [Fact]
    public async Task A_missing_container_reads_as_empty_is_not_created_by_reads_and_is_created_by_the_first_write()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var fresh = container.Service.GetBlobContainerClient("vt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new BlobSyncInfoStore(fresh);
            Assert.Null(await store.ReadIndexAsync(Owner));
            Assert.Null(await store.ReadBucketAsync(Owner, "g", 0));
            Assert.Empty(await store.ListGenerationsAsync(Owner));
            await store.DeleteGenerationAsync(Owner, "g");
            await store.DeleteIndexAsync(Owner);
            await Assert.ThrowsAsync<SyncInfoConflictException>(() => store.WriteIndexAsync(Owner, Bytes("x"), "\"0x8D0000000000000\""));
            Assert.False(await fresh.ExistsAsync());

            await store.WriteBucketAsync(Owner, "g", 0, Bytes("bucket"));
            Assert.True(await fresh.ExistsAsync());
            Assert.Equal("bucket", Text(await store.ReadBucketAsync(Owner, "g", 0)));
        }
        finally
        {
            await fresh.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task Concurrent_first_publishers_on_a_missing_container_give_exactly_one_winner()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var name = "vt-" + Guid.NewGuid().ToString("N");
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                try
                {
                    return await BlobSyncInfoStore.Create(TestServices.AzureStorage, name).WriteIndexAsync(Owner, Bytes($"p{i}"), expectedTag: null);
                }
                catch (SyncInfoConflictException)
                {
                    return null;
                }
            })));
            Assert.Single(results, tag => tag is not null);
        }
        finally
        {
            await container.Service.GetBlobContainerClient(name).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task An_unreachable_endpoint_gives_a_prompt_error_naming_container_blob_and_endpoint_without_the_key()
    {
        var port = TestServices.UnusedPort();
        var endpoint = $"http://127.0.0.1:{port}/devstoreaccount1";
        var store = BlobSyncInfoStore.Create($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint={endpoint};", "vt-sync-down");
        var reason = $"cannot reach {endpoint} (connection refused)";

        foreach (var (expected, run) in new (string, Func<Task>)[]
        {
            ("cannot read the sync info index 'vt-sync-down/o1/index.json'", () => store.ReadIndexAsync("o1")),
            ("cannot publish the sync info index 'vt-sync-down/o1/index.json'", () => store.WriteIndexAsync("o1", Bytes("x"), null)),
            ("cannot publish the sync info index 'vt-sync-down/o1/index.json'", () => store.WriteIndexAsync("o1", Bytes("x"), "\"0x1\"")),
            ("cannot read the sync info bucket 'vt-sync-down/o1/generations/g1/bucket-0003.json'", () => store.ReadBucketAsync("o1", "g1", 3)),
            ("cannot write the sync info bucket 'vt-sync-down/o1/generations/g1/bucket-0003.json'", () => store.WriteBucketAsync("o1", "g1", 3, Bytes("x"))),
            ("cannot list the sync info generations under 'vt-sync-down/o1/generations/'", () => store.ListGenerationsAsync("o1")),
            ("cannot list the sync info blobs under 'vt-sync-down/o1/generations/g1/'", () => store.DeleteGenerationAsync("o1", "g1")),
            ("cannot delete the sync info blob 'vt-sync-down/o1/index.json'", () => store.DeleteIndexAsync("o1")),
        })
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SyncInfoStoreException>(run);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"'{expected}' took {clock.Elapsed}");
            Assert.Equal($"{expected}: {reason}", error.Message);
            Assert.False(error.IsAccessDenied);
            AssertNoSecret(error.Message);
        }
    }

    [Fact]
    public async Task A_wrong_account_key_is_reported_as_access_refused_without_the_key()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = TestServices.AzureStorage.Replace(AccountKey, wrongKey, StringComparison.Ordinal);
        Assert.NotEqual(TestServices.AzureStorage, connection);
        var store = BlobSyncInfoStore.Create(connection, container.Name);

        var read = await Assert.ThrowsAsync<SyncInfoStoreException>(() => store.ReadIndexAsync(Owner));
        var publish = await Assert.ThrowsAsync<SyncInfoStoreException>(() => store.WriteIndexAsync(Owner, Bytes("x"), null));

        Assert.StartsWith($"cannot read the sync info index '{container.Name}/{Owner}/index.json': access refused by the storage account at {AccountEndpoint} (403 ", read.Message, StringComparison.Ordinal);
        Assert.StartsWith($"cannot publish the sync info index '{container.Name}/{Owner}/index.json': access refused by the storage account", publish.Message, StringComparison.Ordinal);
        Assert.True(read.IsAccessDenied && publish.IsAccessDenied);
        foreach (var message in new[] { read.Message, publish.Message })
        {
            Assert.DoesNotContain(wrongKey, message, StringComparison.Ordinal);
            AssertNoSecret(message);
        }
    }

    [Fact]
    public async Task A_SAS_connection_string_shows_neither_in_the_description_nor_in_errors()
    {
        var port = TestServices.UnusedPort();
        var sas = $"sv=2021-08-06&ss=b&srt=sco&sp=rwdlac&se=2030-01-01T00:00:00Z&sig={SasSignature}";
        var store = BlobSyncInfoStore.Create($"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;SharedAccessSignature={sas}", "vt-sync-sas");

        Assert.Equal($"azure blob container vt-sync-sas at http://127.0.0.1:{port}/devstoreaccount1", store.Description);
        var error = await Assert.ThrowsAsync<SyncInfoStoreException>(() => store.ReadIndexAsync("o1"));
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error.Message);
        AssertNoSecret(store.Description);
    }

    [Fact]
    public void The_description_names_the_container_and_the_account_endpoint()
    {
        Assert.Equal($"azure blob container {container.Name} at {AccountEndpoint}", Store.Description);
        AssertNoSecret(Store.Description);
    }

    [Fact]
    public void Bad_settings_are_refused_without_repeating_the_connection_string()
    {
        var badContainer = Assert.Throws<VarTrackException>(() => BlobSyncInfoStore.Create(TestServices.AzureStorage, "Bad_Name"));
        Assert.Contains("sync info container 'Bad_Name' is not a valid container name", badContainer.Message, StringComparison.Ordinal);

        var badConnection = Assert.Throws<VarTrackException>(() => BlobSyncInfoStore.Create($"AccountName=x;AccountKey={AccountKey};nonsense"));
        Assert.Contains("not a valid Azure Storage connection string", badConnection.Message, StringComparison.Ordinal);
        AssertNoSecret(badConnection.Message);
    }

    [Fact]
    public void The_default_container_is_vartrack_vault_sync()
    {
        Assert.Equal("vartrack-vault-sync", BlobSyncInfoStore.Create(TestServices.AzureStorage).ContainerName);
        Assert.Null(AzureBlobSinkFactory.ContainerNameProblem(BlobSyncInfoStore.DefaultContainer));
    }

    private static BlobServiceClient RecordedService(RecordingPolicy policy)
    {
        var options = new BlobClientOptions();
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return new BlobServiceClient(TestServices.AzureStorage, options);
    }

    /// <summary>Every request sent (after retries are decided, so each attempt counts).</summary>
    private sealed class RecordingPolicy : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentQueue<(string Method, string Query)> _requests = new();

        public override void OnSendingRequest(HttpMessage message) =>
            _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Query));

        /// <summary>The requests recorded since the last call.</summary>
        public List<(string Method, string Query)> Taken()
        {
            var taken = new List<(string Method, string Query)>();
            while (_requests.TryDequeue(out var request)) taken.Add(request);
            return taken;
        }
    }
}
