using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using VarTrack.Connectors.S3;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.S3;

/// <summary>
/// A bucket of its own for one test class on the real s3rver (<see cref="TestServices.S3Endpoint"/>), an admin client
/// to look at what the sink wrote, and sinks built through the real factory. Emptied and deleted afterwards.
/// </summary>
public sealed class S3TestBucket : IAsyncLifetime
{
    public string Name { get; } = $"vt-test-{Guid.NewGuid():N}";

    public AmazonS3Client Admin { get; } = NewClient();

    public static AmazonS3Client NewClient() => new(new BasicAWSCredentials(TestServices.S3AccessKey, TestServices.S3SecretKey), new AmazonS3Config
    {
        ServiceURL = TestServices.S3Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public static SinkSettings Settings(IReadOnlyDictionary<string, string> values, string name = "s3-test") =>
        SinkSettings.FromText(new SinkDefinition(name, "s3", TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>()), values);

    /// <summary>Settings for this bucket on the test server; <paramref name="extra"/> adds or overrides.</summary>
    public Dictionary<string, string> SettingsFor(string mode, params (string Name, string Value)[] extra)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bucket"] = Name,
            ["endpoint"] = TestServices.S3Endpoint,
            ["access_key"] = TestServices.S3AccessKey,
            ["secret_key"] = TestServices.S3SecretKey,
            ["mode"] = mode,
        };
        foreach (var (name, value) in extra) values[name] = value;
        return values;
    }

    public async Task<S3Sink> CreateSinkAsync(string mode, params (string Name, string Value)[] extra) =>
        (S3Sink)await new S3SinkFactory().CreateAsync(Settings(SettingsFor(mode, extra)));

    public static string NewDestination(string mode) => $"vt-test/{mode}/{Guid.NewGuid():N}";

    /// <summary>
    /// Every object key under <paramref name="prefix"/>, sorted. Uses ListObjects (v1, marker paging) on purpose: it is
    /// independent of the sink's ListObjectsV2 code, and s3rver on Node 17+ fails truncated v2 listings (it needs DES).
    /// </summary>
    public async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        string? marker = null;
        while (true)
        {
            var page = await Admin.ListObjectsAsync(new ListObjectsRequest { BucketName = Name, Prefix = prefix, Marker = marker });
            var objects = page.S3Objects ?? [];
            keys.AddRange(objects.Select(o => o.Key));
            if (page.IsTruncated != true || objects.Count == 0) break;
            marker = objects[^1].Key;
        }
        return keys.Order(StringComparer.Ordinal).ToList();
    }

    public async Task<(string Text, string ContentType)> GetAsync(string key)
    {
        using var response = await Admin.GetObjectAsync(Name, key);
        using var reader = new StreamReader(response.ResponseStream);
        return (await reader.ReadToEndAsync(), response.Headers.ContentType);
    }

    public Task PutAsync(string key, string text) => Admin.PutObjectAsync(new PutObjectRequest { BucketName = Name, Key = key, ContentBody = text });

    public async Task InitializeAsync()
    {
        TestServices.Require("S3 (s3rver)", TestServices.S3Endpoint);
        await Admin.PutBucketAsync(new PutBucketRequest { BucketName = Name });
    }

    public async Task DisposeAsync()
    {
        var keys = await KeysAsync("");
        foreach (var batch in keys.Chunk(1000))
            await Admin.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Name, Objects = batch.Select(k => new KeyVersion { Key = k }).ToList() });
        await Admin.DeleteBucketAsync(Name);
        Admin.Dispose();
    }
}
