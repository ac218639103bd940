using static VarTrack.Connectors.Tests.Sinks.DirectChanges;
using VarTrack.Connectors.S3;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.S3;

/// <summary>The exact objects each mode writes (the README layout) and the requests it sends for them.</summary>
public sealed class S3LayoutTests(S3TestBucket bucket) : IClassFixture<S3TestBucket>
{
    private const string Owner = "contract:config/app.yaml";

    private static readonly Dictionary<string, string?> Sample = new(StringComparer.Ordinal)
    {
        ["db.host"] = "db.internal",
        ["db.port"] = "5432",
        ["optional"] = null,
        ["empty"] = "",
        ["unicode"] = "héllo ✓",
    };

    private static SinkTarget Target(string destination) => new(destination, "contract", "config/app.yaml");

    private static async Task SyncAsync(ISink sink, string destination, IReadOnlyDictionary<string, string?> values)
    {
        var harness = new SinkTestHarness(sink, "s3");
        var report = await harness.Executor().RunAsync(harness.Job(destination, values));
        Assert.True(report.Succeeded, report.Sinks.Single().Error);
    }

    private async Task AssertSidecarAsync(string key)
    {
        var (text, contentType) = await bucket.GetAsync(key);
        Assert.Equal("application/json", contentType);
        Assert.StartsWith("""{"contract:config/app.yaml":{"schema_version":1,"rule":"contract",""", text);
        var record = Assert.Single(ProvenanceJson.ParseSet(System.Text.Encoding.UTF8.GetBytes(text), "test"));
        Assert.Equal(Owner, record.Key);
        Assert.Equal(Sample.Keys.Order(), record.Value.OwnedKeys.Order());
        Assert.Equal(["optional"], record.Value.NullKeys);
    }

    private S3Sink SinkWithLog(string mode, S3RequestLog log) =>
        S3SinkFactory.Create(S3TestBucket.Settings(bucket.SettingsFor(mode)), log);

    [Fact]
    public async Task Object_mode_writes_one_json_object_and_a_provenance_sidecar_beside_it()
    {
        await using var sink = await bucket.CreateSinkAsync("object");
        var destination = S3TestBucket.NewDestination("object") + "/app.json";
        await SyncAsync(sink, destination, Sample);

        Assert.Equal([destination, destination + ".vartrack.json"], await bucket.KeysAsync(destination));
        var (text, contentType) = await bucket.GetAsync(destination);
        Assert.Equal("application/json", contentType);
        Assert.Equal("""{"db.host":"db.internal","db.port":"5432","empty":"","optional":null,"unicode":"h\u00E9llo \u2713"}""", text);
        await AssertSidecarAsync(destination + ".vartrack.json");
    }

    [Fact]
    public async Task Per_key_mode_writes_one_utf8_object_per_key_with_null_as_empty_and_a_provenance_object()
    {
        await using var sink = await bucket.CreateSinkAsync("per_key");
        var destination = S3TestBucket.NewDestination("per_key");
        await SyncAsync(sink, destination, Sample);

        Assert.Equal(new[] { "__vartrack__.json", "db.host", "db.port", "empty", "optional", "unicode" }.Select(k => $"{destination}/{k}"),
            await bucket.KeysAsync(destination + "/"));
        Assert.Equal(("db.internal", "text/plain; charset=utf-8"), await bucket.GetAsync($"{destination}/db.host"));
        Assert.Equal("", (await bucket.GetAsync($"{destination}/optional")).Text);
        Assert.Equal("", (await bucket.GetAsync($"{destination}/empty")).Text);
        Assert.Equal("héllo ✓", (await bucket.GetAsync($"{destination}/unicode")).Text);
        await AssertSidecarAsync($"{destination}/__vartrack__.json");
        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.True(snapshot.Values["optional"].IsNull);
        Assert.False(snapshot.Values["empty"].IsNull);
    }

    [Theory]
    [InlineData("object")]
    [InlineData("per_key")]
    public async Task Restoring_a_destination_that_never_existed_leaves_no_object(string mode)
    {
        await using var sink = await bucket.CreateSinkAsync(mode);
        var destination = S3TestBucket.NewDestination(mode);
        await SyncAsync(sink, destination, Sample);

        await ((ISink)sink).RestoreAsync(Target(destination), Snapshot.Empty);
        Assert.Empty(await bucket.KeysAsync(destination));
    }

    [Theory]
    [InlineData("object")]
    [InlineData("per_key")]
    public async Task Objects_written_by_hand_are_read_as_part_of_the_destination(string mode)
    {
        await using var sink = await bucket.CreateSinkAsync(mode);
        var destination = S3TestBucket.NewDestination(mode);
        if (mode == "object") await bucket.PutAsync(destination, """{"by.hand":1,"text":"x"}""");
        else await bucket.PutAsync($"{destination}/by.hand", "1");

        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal("1", snapshot.Values["by.hand"].Reveal());
        Assert.Null(snapshot.Provenance);
    }

    [Fact]
    public async Task Object_mode_reads_with_two_gets_and_writes_with_a_conditional_put_after_an_etag_recheck()
    {
        var log = new S3RequestLog();
        await using var sink = SinkWithLog("object", log);
        var destination = S3TestBucket.NewDestination("object");
        var sidecar = destination + ".vartrack.json";
        await sink.ApplyAsync(Target(destination), Changes(["a"]), Record(["a"]));
        var etag = log.Requests.Single(r => r.Method == "PUT" && r.Summary(bucket.Name) == $"PUT {destination}");
        Assert.Equal("*", etag.Headers["If-None-Match"]);

        log.Clear();
        await sink.ReadAsync(Target(destination));
        Assert.Equal([$"GET {destination}", $"GET {sidecar}"], log.Requests.Select(r => r.Summary(bucket.Name)).Order());

        log.Clear();
        await sink.ApplyAsync(Target(destination), Changes(["b"]), Record(["a", "b"]));
        var sent = log.Requests;
        Assert.Equal([$"GET {destination}", $"HEAD {destination}", $"PUT {destination}", $"GET {sidecar}", $"HEAD {sidecar}", $"PUT {sidecar}"],
            sent.Select(r => r.Summary(bucket.Name)));
        Assert.StartsWith("\"", sent[2].Headers["If-Match"]);
        Assert.Equal("""{"a":"value of a","b":"value of b"}""", (await bucket.GetAsync(destination)).Text);
    }

    [Fact]
    public async Task Per_key_mode_pages_listings_puts_one_object_per_key_and_deletes_in_batches_of_a_thousand()
    {
        var log = new S3RequestLog();
        await using var sink = SinkWithLog("per_key", log);
        var destination = S3TestBucket.NewDestination("per_key");
        var keys = Enumerable.Range(0, 2100).Select(i => $"k{i:D4}").ToList();

        await sink.ApplyAsync(Target(destination), Changes(keys), Record(keys));
        Assert.Equal(keys.Count, log.Requests.Count(r => r.Method == "PUT" && r.Summary(bucket.Name) != $"PUT {destination}/__vartrack__.json"));

        log.Clear();
        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal(keys, snapshot.Values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("value of k2099", snapshot.Values["k2099"].Reveal());
        Assert.Equal(3, log.Requests.Count(r => r.Summary(bucket.Name) == "LIST"));

        log.Clear();
        await sink.ApplyAsync(Target(destination), Changes([], keys), null);
        var deletes = log.Requests.Where(r => r.Summary(bucket.Name) == "DELETE-MANY").ToList();
        Assert.Equal(3, deletes.Count);
        Assert.Empty(await bucket.KeysAsync(destination + "/"));
    }

    [Fact]
    public async Task The_region_signs_requests_and_defaults_to_us_east_1_and_an_endpoint_means_path_style()
    {
        var defaults = new S3RequestLog();
        await using (var sink = SinkWithLog("object", defaults))
            await sink.ReadAsync(Target(S3TestBucket.NewDestination("object")));
        var regional = new S3RequestLog();
        await using (var sink = S3SinkFactory.Create(S3TestBucket.Settings(bucket.SettingsFor("object", ("region", "eu-west-1"))), regional))
            await sink.ReadAsync(Target(S3TestBucket.NewDestination("object")));

        Assert.All(defaults.Requests, r => Assert.Contains("/us-east-1/s3/aws4_request", r.Headers["Authorization"]));
        Assert.All(defaults.Requests, r => Assert.StartsWith($"/{bucket.Name}/", r.Uri.AbsolutePath));
        Assert.All(regional.Requests, r => Assert.Contains("/eu-west-1/s3/aws4_request", r.Headers["Authorization"]));
    }
}
