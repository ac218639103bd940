using System.Diagnostics;
using VarTrack.Connectors.S3;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.S3;

/// <summary>Missing bucket, server down, bad stored data and lost races end in clear errors naming bucket and destination, with no secret.</summary>
public sealed class S3FailureTests(S3TestBucket bucket) : IClassFixture<S3TestBucket>
{
    private static SinkTarget Target(string destination) => new(destination, "contract", "config/app.yaml");

    private static readonly ChangeSet AddB = new()
    {
        Changes = [new KeyChange("b", ChangeKind.Add, null, FlatValue.Text("2"), false)],
        ContentHash = "h",
        OwnedKeysAfter = new HashSet<string> { "b" },
        SecretKeys = new HashSet<string>(),
    };

    [Theory]
    [InlineData("object", "reading")]
    [InlineData("object", "writing")]
    [InlineData("per_key", "reading")]
    [InlineData("per_key", "writing")]
    public async Task A_missing_bucket_is_a_clear_error_naming_the_bucket(string mode, string action)
    {
        var missing = $"vt-test-missing-{Guid.NewGuid():N}"[..40];
        await using var sink = (S3Sink)await new S3SinkFactory().CreateAsync(S3TestBucket.Settings(bucket.SettingsFor(mode, ("bucket", missing))));
        var target = Target("app/prod");

        var ex = await Assert.ThrowsAsync<S3SinkException>(() => action == "reading" ? sink.ReadAsync(target) : sink.ApplyAsync(target, AddB, null));
        Assert.Equal($"{action} s3 destination 'app/prod' in bucket '{missing}' failed: bucket '{missing}' does not exist", ex.Message);
    }

    [Fact]
    public async Task A_server_that_is_down_gives_a_clear_error_naming_the_destination_and_no_secret()
    {
        var port = TestServices.UnusedPort();
        await using var sink = (S3Sink)await new S3SinkFactory().CreateAsync(S3TestBucket.Settings(bucket.SettingsFor("object",
            ("endpoint", $"http://127.0.0.1:{port}"), ("secret_key", "secret-must-not-leak"))));

        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<S3SinkException>(() => sink.ReadAsync(Target("app/prod.json")));
        Assert.Equal($"reading s3 destination 'app/prod.json' in bucket '{bucket.Name}' failed: cannot reach the S3 endpoint (Connection refused (127.0.0.1:{port}))", ex.Message);
        Assert.DoesNotContain("secret-must-not-leak", ex.ToString());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData("object")]
    [InlineData("per_key")]
    public async Task A_corrupt_provenance_sidecar_is_a_clear_error_naming_the_object(string mode)
    {
        await using var sink = await bucket.CreateSinkAsync(mode);
        var destination = S3TestBucket.NewDestination(mode);
        var sidecar = mode == "object" ? destination + ".vartrack.json" : destination + "/__vartrack__.json";
        await bucket.PutAsync(sidecar, """{"contract:config/app.yaml": {"rule": 42""");

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(destination)));
        Assert.StartsWith($"provenance record at s3 object '{bucket.Name}/{sidecar}' is not valid: ", ex.Problems.Single().Message);
    }

    [Fact]
    public async Task A_document_that_is_not_a_flat_map_is_a_clear_error()
    {
        await using var sink = await bucket.CreateSinkAsync("object");
        var destination = S3TestBucket.NewDestination("object");
        await bucket.PutAsync(destination, "[1,2]");

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(destination)));
        Assert.Equal($"document at s3 object '{bucket.Name}/{destination}' is not a flat JSON map: expected a JSON object of key -> value, found array", ex.Problems.Single().Message);
    }

    private S3Sink ObjectSinkEditingBeforeWrite(Func<Task> edit)
    {
        var client = S3TestBucket.NewClient();
        return new S3Sink(client, bucket.Name, new S3ObjectMode { BeforeWrite = edit });
    }

    [Fact]
    public async Task A_document_edited_while_the_sink_writes_fails_the_write_and_keeps_the_edit()
    {
        var destination = S3TestBucket.NewDestination("object");
        await bucket.PutAsync(destination, """{"a":"1"}""");
        await using var sink = ObjectSinkEditingBeforeWrite(() => bucket.PutAsync(destination, """{"a":"edited by hand"}"""));

        var ex = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(destination), AddB, null));
        Assert.Equal($"s3 object '{bucket.Name}/{destination}' changed after VarTrack read it (edited by hand or by another writer); it was not overwritten, " +
                     "run the sync again", ex.Message);
        Assert.True(ex.NothingWritten);
        Assert.Equal("""{"a":"edited by hand"}""", (await bucket.GetAsync(destination)).Text);
        Assert.Equal([destination], await bucket.KeysAsync(destination));
    }

    [Fact]
    public async Task A_document_created_while_the_sink_writes_a_new_destination_fails_the_write()
    {
        var destination = S3TestBucket.NewDestination("object");
        await using var sink = ObjectSinkEditingBeforeWrite(() => bucket.PutAsync(destination, """{"x":"created by hand"}"""));

        Assert.True((await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(Target(destination), AddB, null))).NothingWritten);
        Assert.Equal("""{"x":"created by hand"}""", (await bucket.GetAsync(destination)).Text);
    }

    [Fact]
    public async Task Without_keys_the_sdk_default_credential_chain_is_used()
    {
        var settings = bucket.SettingsFor("object");
        settings.Remove("access_key");
        settings.Remove("secret_key");
        var saved = (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", TestServices.S3AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", TestServices.S3SecretKey);
        try
        {
            var log = new S3RequestLog();
            await using var sink = S3SinkFactory.Create(S3TestBucket.Settings(settings), log);
            Assert.Empty((await sink.ReadAsync(Target(S3TestBucket.NewDestination("object")))).Values);
            Assert.All(log.Requests, r => Assert.Contains($"Credential={TestServices.S3AccessKey}/", r.Headers["Authorization"]));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", saved.Item2);
        }
    }
}
