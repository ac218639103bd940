using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>
/// Creates <c>type: s3</c> sinks. Settings: <c>bucket</c>, <c>region</c> (default us-east-1), <c>endpoint</c> (for
/// MinIO, s3rver, Ceph...), <c>path_style</c> (default true with an endpoint, else false), <c>access_key</c> +
/// <c>secret_key</c> (both or neither; neither = the AWS SDK default credential chain), <c>mode</c> object|per_key.
/// </summary>
public sealed class S3SinkFactory : ISinkFactory
{
    public string Type => "s3";

    public Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default) => Task.FromResult<ISink>(Create(settings));

    /// <summary>Builds the sink; tests pass <paramref name="httpClients"/> to observe the requests sent.</summary>
    internal static S3Sink Create(SinkSettings settings, HttpClientFactory? httpClients = null)
    {
        var bucket = settings.RequiredText("bucket");
        if (bucket.Length == 0 || bucket.Contains('/'))
            throw Bad(settings, $"'bucket' must be a bucket name (no '/'), found '{bucket}'");
        var mode = settings.Choice("mode", "object");
        S3StorageMode layout = mode switch
        {
            "object" => new S3ObjectMode(),
            "per_key" => new S3PerKeyMode(),
            _ => throw Bad(settings, $"'mode' must be object or per_key, found '{mode}'"),
        };

        var region = settings.Text("region") is { Length: > 0 } r ? r : "us-east-1";
        var config = new AmazonS3Config();
        if (settings.Text("endpoint") is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
                throw Bad(settings, $"'endpoint' must be an http(s) URL without credentials, such as http://127.0.0.1:9000, found '{(uri?.UserInfo.Length > 0 ? "(hidden)" : endpoint)}'");
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
            // Third-party servers often lack the streaming trailer checksums the SDK sends by default.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        config.ForcePathStyle = settings.Boolean("path_style", config.ServiceURL is not null);
        if (httpClients is not null) config.HttpClientFactory = httpClients;

        var accessKey = settings.Text("access_key");
        var secretKey = settings.Text("secret_key");
        if ((accessKey is null) != (secretKey is null))
            throw Bad(settings, "'access_key' and 'secret_key' go together: set both, or neither to use the AWS default credential chain");
        var client = accessKey is not null ? new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config) : new AmazonS3Client(config);
        return new S3Sink(client, bucket, layout);
    }

    private static VarTrackException Bad(SinkSettings settings, string message) =>
        new(new Problem($"sink '{settings.Name}' (type s3): {message}") { Sink = settings.Name });
}
