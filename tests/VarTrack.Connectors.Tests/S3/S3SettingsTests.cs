using VarTrack.Connectors.S3;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.S3;

/// <summary>Bad <c>type: s3</c> settings fail when the sink is created, naming the sink and the setting, never a key secret.</summary>
public sealed class S3SettingsTests
{
    private static async Task<string> ErrorOf(params (string Name, string Value)[] settings)
    {
        var values = settings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new S3SinkFactory().CreateAsync(S3TestBucket.Settings(values, "archive")));
        Assert.Equal("archive", ex.Problems.Single().Sink);
        return ex.Problems.Single().Message;
    }

    [Fact]
    public async Task A_missing_bucket_setting_is_refused()
    {
        Assert.Contains("'bucket'", await ErrorOf(("mode", "object")));
    }

    [Fact]
    public async Task A_bucket_with_a_slash_is_refused()
    {
        Assert.Equal("sink 'archive' (type s3): 'bucket' must be a bucket name (no '/'), found 'configs/prod'", await ErrorOf(("bucket", "configs/prod")));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:21")]
    public async Task An_endpoint_that_is_not_an_http_url_is_refused(string endpoint)
    {
        Assert.Equal($"sink 'archive' (type s3): 'endpoint' must be an http(s) URL without credentials, such as http://127.0.0.1:9000, found '{endpoint}'",
            await ErrorOf(("bucket", "b"), ("endpoint", endpoint)));
    }

    [Fact]
    public async Task An_endpoint_with_credentials_is_refused_without_echoing_them()
    {
        var message = await ErrorOf(("bucket", "b"), ("endpoint", "http://admin:hunter2-secret@127.0.0.1:9000"));
        Assert.Contains("'endpoint' must be an http(s) URL without credentials", message);
        Assert.DoesNotContain("hunter2-secret", message);
    }

    [Theory]
    [InlineData("access_key")]
    [InlineData("secret_key")]
    public async Task One_key_without_the_other_is_refused(string given)
    {
        Assert.Equal("sink 'archive' (type s3): 'access_key' and 'secret_key' go together: set both, or neither to use the AWS default credential chain",
            await ErrorOf(("bucket", "b"), (given, "value-1234")));
    }

    [Fact]
    public async Task An_unknown_mode_is_refused()
    {
        Assert.Equal("sink 'archive' (type s3): 'mode' must be object or per_key, found 'folder'", await ErrorOf(("bucket", "b"), ("mode", "folder")));
    }
}
