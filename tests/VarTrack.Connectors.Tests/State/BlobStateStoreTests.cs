using Azure.Storage.Blobs;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.State;

/// <summary>The contract against the real Azurite (one container per class run), plus the blob layout and failures.</summary>
public sealed class BlobStateStoreTests(AzuriteContainer container) : StateStoreContractTests, IClassFixture<AzuriteContainer>
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    protected override IStateStore CreateStore()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        return BlobStateStore.Create(TestServices.AzureStorage, container.Name);
    }

    private static void AssertNoSecret(string message)
    {
        Assert.DoesNotContain(AccountKey, message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_is_the_blob_name_and_the_document_its_content()
    {
        var key = K("syncs/rule-1/abc");
        await Store.WriteAsync(key, Bytes("doc"));

        var blob = container.Container.GetBlobClient(key);
        Assert.Equal("doc", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal("application/octet-stream", (await blob.GetPropertiesAsync()).Value.ContentType);
        Assert.Equal([key], container.Container.GetBlobs(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = Root + "/" }).Select(b => b.Name));
    }

    [Fact]
    public async Task A_missing_container_reads_as_empty_and_is_created_on_the_first_write()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var fresh = container.Service.GetBlobContainerClient("vt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new BlobStateStore(fresh);
            Assert.Null(await store.ReadAsync("a/b"));
            Assert.Empty(await store.ListAsync("a"));
            Assert.Empty(await store.ListAsync(""));
            await store.DeleteAsync("a/b");
            Assert.False(await fresh.ExistsAsync());

            Assert.True(await store.TryCreateAsync("a/b", Bytes("created")));
            Assert.True(await fresh.ExistsAsync());
            Assert.Equal("created", Text(await store.ReadAsync("a/b")));
        }
        finally
        {
            await fresh.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task Concurrent_first_creators_on_a_missing_container_still_give_exactly_one_winner()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var name = "vt-" + Guid.NewGuid().ToString("N");
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
                Task.Run(() => BlobStateStore.Create(TestServices.AzureStorage, name).TryCreateAsync("k", Bytes($"c{i}")))));
            Assert.Single(results, won => won);
        }
        finally
        {
            await container.Service.GetBlobContainerClient(name).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task Blobs_that_are_not_state_keys_are_not_listed()
    {
        await Store.WriteAsync(K("a"), Bytes("state"));
        await container.Container.GetBlobClient(K("b c")).UploadAsync(BinaryData.FromString("foreign"));
        await container.Container.GetBlobClient(K("ü")).UploadAsync(BinaryData.FromString("foreign"));

        Assert.Equal([K("a")], await Store.ListAsync(Root));
    }

    [Fact]
    public async Task A_key_ending_with_a_dot_is_refused_as_Azure_drops_it()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(K("a."), Bytes("x")));
        Assert.Contains($"'{K("a.")}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_gives_an_error_naming_container_and_key_without_the_account_key()
    {
        var port = TestServices.UnusedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var store = BlobStateStore.Create(connection, "vt-state-down");

        foreach (var (action, run) in new (string, Func<Task>)[]
        {
            ("read", () => store.ReadAsync("syncs/a")),
            ("write", () => store.WriteAsync("syncs/a", Bytes("x"))),
            ("create", () => store.TryCreateAsync("syncs/a", Bytes("x"))),
            ("delete", () => store.DeleteAsync("syncs/a")),
        })
        {
            var error = await Assert.ThrowsAsync<StateStoreUnavailableException>(run);
            Assert.False(error.IsAccessDenied); // an outage: callers that retry may retry
            Assert.Equal($"cannot {action} state blob 'vt-state-down/syncs/a': cannot reach http://127.0.0.1:{port}/devstoreaccount1 (connection refused)", error.Message);
            AssertNoSecret(error.Message);
        }
        var listError = await Assert.ThrowsAsync<StateStoreUnavailableException>(() => store.ListAsync("syncs"));
        Assert.Contains("'vt-state-down/syncs'", listError.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", listError.Message, StringComparison.Ordinal);
        AssertNoSecret(listError.Message);
    }

    [Fact]
    public async Task A_wrong_account_key_is_reported_as_access_refused_without_the_key()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = TestServices.AzureStorage.Replace(AccountKey, wrongKey, StringComparison.Ordinal);
        Assert.NotEqual(TestServices.AzureStorage, connection);
        var store = BlobStateStore.Create(connection, container.Name);

        var error = await Assert.ThrowsAsync<StateStoreUnavailableException>(() => store.ReadAsync("syncs/a"));

        Assert.Contains($"cannot read state blob '{container.Name}/syncs/a': access refused by the storage account", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsAccessDenied);
        Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
        AssertNoSecret(error.Message);
    }

    [Fact]
    public void Bad_settings_are_refused_without_repeating_the_connection_string()
    {
        var badContainer = Assert.Throws<VarTrackException>(() => BlobStateStore.Create(TestServices.AzureStorage, "Bad_Name"));
        Assert.Contains("state container 'Bad_Name' is not a valid container name", badContainer.Message, StringComparison.Ordinal);

        var badConnection = Assert.Throws<VarTrackException>(() => BlobStateStore.Create($"AccountName=x;AccountKey={AccountKey};nonsense"));
        Assert.Contains("not a valid Azure Storage connection string", badConnection.Message, StringComparison.Ordinal);
        AssertNoSecret(badConnection.Message);
    }

    [Fact]
    public void The_default_container_is_vartrack_state()
    {
        Assert.Equal("vartrack-state", BlobStateStore.Create(TestServices.AzureStorage).ContainerName);
        Assert.Null(AzureBlobSinkFactory.ContainerNameProblem(BlobStateStore.DefaultContainer));
    }
}
