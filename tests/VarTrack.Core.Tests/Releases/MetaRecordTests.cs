using System.Text.Json.Nodes;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

public sealed class MetaRecordTests
{
    private static readonly MetaPath ReleasePath = MetaPaths.Parse("projects/shop/releases/1.4.0.json", out _)!;
    private static readonly MetaPath BinaryPath = MetaPaths.Parse("projects/shop/binaries/1.4.0/linux-amd64.json", out _)!;
    private static readonly MetaPath EventPath = MetaPaths.Parse("projects/shop/channels/prod/events/20261124T101500000Z-ci-000001.json", out _)!;
    private static readonly MetaPath FlagsPath = MetaPaths.Parse("projects/shop/flags/prod/flags.json", out _)!;
    private static readonly string Signature = Convert.ToBase64String(new byte[64]);

    [Fact]
    public void A_release_is_written_in_its_canonical_form_with_a_schema_version()
    {
        var text = Utf8(Release("1.4.0").ToCanonical());

        Assert.Equal("""
            {
              "builder": "ci/build-7",
              "created": "2026-11-24T10:15:00.000Z",
              "id": "1.4.0",
              "notes": null,
              "schema_version": 1,
              "sources": {
                "acme/api": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "acme/web": "ffffffffffffffffffffffffffffffffffffffff"
              }
            }

            """.Replace("\r\n", "\n"), text);
        var parsed = ReleaseRecord.Parse(CanonicalJson.ParseObject(Bytes(text), ReleasePath.Path), ReleasePath);
        Assert.Equal(("1.4.0", Created, "ci/build-7", (string?)null), (parsed.Id, parsed.Created, parsed.Builder, parsed.Notes));
        Assert.Equal(Release("1.4.0").Sources, parsed.Sources);
    }

    [Fact]
    public void A_binary_and_an_event_are_written_canonically()
    {
        var binary = new BinaryRecord("sha256:" + new string('0', 64), 1234, "https://dl.example/shop/1.4.0/linux-amd64", Signature, "ed25519:0123456789abcdef");
        Assert.Equal($$"""
            {
              "digest": "sha256:{{new string('0', 64)}}",
              "key_id": "ed25519:0123456789abcdef",
              "schema_version": 1,
              "signature": "{{Signature}}",
              "size": 1234,
              "url": "https://dl.example/shop/1.4.0/linux-amd64"
            }

            """.Replace("\r\n", "\n"), Utf8(binary.ToCanonical()));
        Assert.Equal(binary, BinaryRecord.Parse(CanonicalJson.ParseObject(binary.ToCanonical(), BinaryPath.Path), BinaryPath));

        var @event = new PromotionEvent("1.4.0", null, "alice", "first", Created);
        Assert.Equal("""
            {
              "actor": "alice",
              "created": "2026-11-24T10:15:00.000Z",
              "previous_release_id": null,
              "reason": "first",
              "release_id": "1.4.0",
              "schema_version": 1
            }

            """.Replace("\r\n", "\n"), Utf8(@event.ToCanonical()));
        Assert.Equal(@event, PromotionEvent.Parse(CanonicalJson.ParseObject(@event.ToCanonical(), EventPath.Path), EventPath));
    }

    [Fact]
    public void Flags_keep_booleans_numbers_and_strings()
    {
        var flags = FlagSet.Empty.With(new Dictionary<string, JsonValue>
        {
            ["checkout_v2"] = FlagSet.ValueOf("true"),
            ["rate"] = FlagSet.ValueOf("0.25"),
            ["banner"] = FlagSet.ValueOf("hello world"),
            ["quoted"] = FlagSet.ValueOf("\"x\""),
        }, []);

        var text = Utf8(flags.ToCanonical());

        Assert.Equal("{\n  \"flags\": {\n    \"banner\": \"hello world\",\n    \"checkout_v2\": true,\n    \"quoted\": \"\\\"x\\\"\",\n    \"rate\": 0.25\n  },\n  \"schema_version\": 1\n}\n", text);
        var parsed = FlagSet.Parse(CanonicalJson.ParseObject(Bytes(text), FlagsPath.Path), FlagsPath);
        Assert.Equal(text, Utf8(parsed.ToCanonical()));
        Assert.Equal("flag 'nope' is not set, so it cannot be removed", Assert.Throws<VarTrackException>(() => parsed.With(new Dictionary<string, JsonValue>(), ["nope"])).Problems[0].Message);
        Assert.Equal(["banner", "quoted", "rate"], parsed.With(new Dictionary<string, JsonValue>(), ["checkout_v2"]).Flags.Keys.Order());
    }

    [Fact]
    public void Every_schema_problem_of_a_release_is_reported_with_the_path()
    {
        var json = JsonNode.Parse("""
            {"id": "1.3.0", "created": "yesterday", "sources": {"acme/api": "abc", "a b": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "builder": 7, "extra": 1, "schema_version": 1}
            """)!.AsObject();

        var error = Assert.Throws<VarTrackException>(() => ReleaseRecord.Parse(json, ReleasePath));

        Assert.Equal([
            "projects/shop/releases/1.4.0.json: unknown field 'extra' in a release record (fields: builder, created, id, notes, schema_version, sources)",
            "projects/shop/releases/1.4.0.json: 'id' is '1.3.0' but the file is named for release '1.4.0'",
            "projects/shop/releases/1.4.0.json: 'created' must be a UTC time like 2026-11-24T10:15:00.000Z, found 'yesterday'",
            "projects/shop/releases/1.4.0.json: 'builder' must be a string or null",
            "projects/shop/releases/1.4.0.json: the release record has no 'notes'",
            "projects/shop/releases/1.4.0.json: source 'acme/api' has commit 'abc': use the full commit id (40 or 64 lowercase hexadecimal digits)",
            "projects/shop/releases/1.4.0.json: source repository 'a b' is invalid: 1-256 characters without spaces",
        ], error.Problems.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("""{"release_id": "1.0", "previous_release_id": null, "actor": "a", "reason": null, "created": "2026-11-24T10:15:00Z"}""", "the promotion event record has no 'schema_version'")]
    [InlineData("""{"schema_version": 2, "release_id": "1.0", "previous_release_id": null, "actor": "a", "reason": null, "created": "2026-11-24T10:15:00Z"}""", "unsupported schema_version 2 (this VarTrack reads 1)")]
    [InlineData("""{"schema_version": "1", "release_id": "1.0", "previous_release_id": null, "actor": "a", "reason": null, "created": "2026-11-24T10:15:00Z"}""", "'schema_version' must be a whole number")]
    [InlineData("""{"schema_version": 1, "release_id": "Bad", "previous_release_id": null, "actor": "a", "reason": null, "created": "2026-11-24T10:15:00Z"}""", "'release_id' 'Bad' is invalid")]
    [InlineData("""{"schema_version": 1, "release_id": "1.0", "actor": "a", "reason": null, "created": "2026-11-24T10:15:00Z"}""", "the promotion event record has no 'previous_release_id'")]
    [InlineData("""{"schema_version": 1, "release_id": "1.0", "previous_release_id": null, "actor": "", "reason": null, "created": "2026-11-24T10:15:00Z"}""", "'actor' must not be empty")]
    public void An_event_that_fails_its_schema_says_what(string json, string message)
    {
        var error = Assert.Throws<VarTrackException>(() => PromotionEvent.Parse(JsonNode.Parse(json)!.AsObject(), EventPath));

        Assert.Contains(error.Problems, p => p.Message.StartsWith(message, StringComparison.Ordinal) && p.File == EventPath.Path);
    }

    [Theory]
    [InlineData("sha256:XYZ", 1, "https://x/y", "'digest' 'sha256:XYZ' must be sha256:<64 lowercase hexadecimal digits>")]
    [InlineData(null, -1, "https://x/y", "'size' must not be negative")]
    [InlineData(null, 1, "not a url", "'url' 'not a url' must be an absolute URL")]
    public void A_binary_that_fails_its_schema_says_what(string? digest, long size, string url, string message)
    {
        var record = new BinaryRecord(digest ?? "sha256:" + new string('a', 64), size, url, Signature, "ed25519:0123456789abcdef");

        var error = Assert.Throws<VarTrackException>(() => BinaryRecord.Parse(record.ToJson(), BinaryPath));

        Assert.Equal(message, Assert.Single(error.Problems).Message);
    }

    [Fact]
    public void Digests_are_normalised_from_bare_or_upper_case_hex()
    {
        var hex = new string('A', 64);
        Assert.Equal("sha256:" + new string('a', 64), BinaryRecord.NormalizeDigest(hex));
        Assert.Equal("sha256:" + new string('a', 64), BinaryRecord.NormalizeDigest("SHA256:" + hex));
        Assert.Equal("binary digest 'md5:1' is invalid: use sha256:<64 hexadecimal digits>",
            Assert.Throws<VarTrackException>(() => BinaryRecord.NormalizeDigest("md5:1")).Problems[0].Message);
    }
}
