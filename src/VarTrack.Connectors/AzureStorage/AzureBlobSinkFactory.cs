using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Storage.Blobs;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Creates <see cref="AzureBlobSink"/> for type <c>azure_blob</c>: <c>connection</c> is an Azure Storage connection
/// string (account key or SAS; secret), <c>container</c> the container holding the destinations' blobs.
/// </summary>
public sealed partial class AzureBlobSinkFactory : ISinkFactory
{
    public const string TypeName = "azure_blob";

    public string Type => TypeName;

    public Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default)
    {
        var connection = settings.RequiredText("connection");
        var container = settings.RequiredText("container");
        if (ContainerNameProblem(container) is { } problem)
            throw new VarTrackException(new Problem($"setting 'container' '{container}' is not a valid container name: {problem}") { Sink = settings.Name });
        var service = ServiceClient(connection, settings.Name);
        return Task.FromResult<ISink>(new AzureBlobSink(service.GetBlobContainerClient(container)));
    }

    /// <summary>
    /// A client for a connection string; a malformed one is a setting error whose text never repeats the string
    /// (it holds the account key).
    /// </summary>
    internal static BlobServiceClient ServiceClient(string connection, string sinkName, BlobClientOptions? options = null)
    {
        try
        {
            return new BlobServiceClient(connection, options ?? ClientOptions());
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new VarTrackException(new Problem("setting 'connection' is not a valid Azure Storage connection string") { Sink = sinkName });
        }
    }

    /// <summary>Few, short retries: a sync holds destination locks while it waits, and the executor reports the failure.</summary>
    internal static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    /// <summary>Azure's container naming rule, or null when <paramref name="name"/> follows it.</summary>
    public static string? ContainerNameProblem(string name)
    {
        if (name.Length is < 3 or > 63) return "it must be 3 to 63 characters long";
        if (!ContainerName().IsMatch(name)) return "use lowercase letters, digits and single hyphens, starting and ending with a letter or digit";
        return null;
    }

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();
}
