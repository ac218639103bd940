using Azure.Storage.Blobs;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.AzureStorage;

/// <summary>
/// A container name only one test class uses, on the real Azurite (<see cref="TestServices.AzureStorage"/>); the
/// container is deleted when the class is done. Fails the class with a clear message when Azurite is not running.
/// </summary>
public sealed class AzuriteContainer : IAsyncLifetime
{
    public string Name { get; } = "vt-" + Guid.NewGuid().ToString("N");

    public BlobServiceClient Service { get; } = new(TestServices.AzureStorage);

    public BlobContainerClient Container => Service.GetBlobContainerClient(Name);

    /// <summary>host:port of the blob endpoint of the connection string.</summary>
    public static string Endpoint
    {
        get
        {
            var uri = new BlobServiceClient(TestServices.AzureStorage).Uri;
            return $"{uri.Host}:{uri.Port}";
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            await Container.DeleteIfExistsAsync();
        }
        catch (Azure.RequestFailedException)
        {
            // Azurite went away mid-run: the failing tests already say so.
        }
    }

    public static SinkSettings Settings(IReadOnlyDictionary<string, string> values, string name = "blob") =>
        SinkSettings.FromText(new SinkDefinition(name, AzureBlobSinkFactory.TypeName, TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>()), values);

    /// <summary>A sink on this container built from settings, as the product builds it.</summary>
    public async Task<AzureBlobSink> CreateSinkAsync(string? connection = null, string? container = null)
    {
        TestServices.Require("Azurite", Endpoint);
        return (AzureBlobSink)await new AzureBlobSinkFactory().CreateAsync(Settings(new Dictionary<string, string>
        {
            ["connection"] = connection ?? TestServices.AzureStorage,
            ["container"] = container ?? Name,
        }));
    }
}
