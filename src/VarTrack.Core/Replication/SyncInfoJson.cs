using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VarTrack.Core.Replication;

/// <summary>
/// The canonical JSON of sync info documents: keys sorted ordinally at every level, no whitespace, invariant number and
/// time formats (UTC, seven fraction digits) and a <c>schema_version</c> in every document. The same content always gives
/// the same bytes, so a bucket's SHA-256 changes exactly when one of its insights changes.
/// </summary>
public static class SyncInfoJson
{
    public const int SchemaVersion = 1;
    public const string Algorithm = "sha256";
    public const int DefaultBucketCount = 64;
    public const int MaxBucketCount = 4096;

    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    /// <summary>The bucket of a path: the first 4 bytes of SHA-256(path as UTF-8), big-endian, modulo the bucket count.</summary>
    public static int BucketOf(string path, int bucketCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(path), hash);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)bucketCount);
    }

    /// <summary>Lower-case hex SHA-256 of a canonical document.</summary>
    public static string Hash(ReadOnlySpan<byte> document) => Convert.ToHexStringLower(SHA256.HashData(document));

    private const string GenerationTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// A new generation id: its UTC creation time to the second and 16 random hex digits, e.g.
    /// <c>20261123T081600Z-5f0c9a1e2b3c4d5e</c> (made in activities, never in workflow code). The time lets clean-up
    /// tell another cycle's staged generation, which may still be published, from an orphan.
    /// </summary>
    public static string NewGeneration(DateTimeOffset now) =>
        now.UtcDateTime.ToString(GenerationTimeFormat, CultureInfo.InvariantCulture) + "-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>When a generation made by <see cref="NewGeneration"/> was created; null for an id without a time (older VarTrack).</summary>
    public static DateTimeOffset? GenerationTime(string generation) =>
        generation.Length > 17 && generation[16] == '-'
        && DateTimeOffset.TryParseExact(generation[..16], GenerationTimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    public static byte[] Serialize(SyncBucket bucket) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("bucket", bucket.Bucket);
        writer.WriteStartObject("paths");
        foreach (var (path, insight) in bucket.Paths.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(path);
            writer.WriteString("state", StateText(insight.State));
            writer.WriteString("updated_time", FormatTime(insight.UpdatedTime));
            writer.WriteNumber("version", insight.Version);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteNumber("schema_version", SchemaVersion);
        writer.WriteEndObject();
    });

    public static byte[] Serialize(SyncIndex index) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("algorithm", index.Algorithm);
        writer.WriteNumber("bucket_count", index.BucketCount);
        writer.WriteStartArray("buckets");
        foreach (var bucket in index.Buckets.OrderBy(b => b.Bucket))
        {
            writer.WriteStartObject();
            writer.WriteNumber("bucket", bucket.Bucket);
            writer.WriteString("generation", bucket.Generation);
            writer.WriteString("hash", bucket.Hash);
            writer.WriteNumber("paths", bucket.Paths);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("created", FormatTime(index.Created));
        writer.WriteString("generation", index.Generation);
        writer.WriteNumber("path_count", index.PathCount);
        writer.WriteNumber("schema_version", index.SchemaVersion);
        if (index.SourceGeneration is { } source) writer.WriteString("source_generation", source);
        writer.WriteEndObject();
    });

    /// <summary>
    /// Reads a bucket document; <paramref name="what"/> names it in errors: <see cref="InvalidDataException"/> when it
    /// is corrupt, <see cref="NotSupportedException"/> when it has another schema version.
    /// </summary>
    public static SyncBucket ParseBucket(ReadOnlySpan<byte> data, string what)
    {
        var root = Parse(data, what);
        CheckSchema(root, what);
        var paths = new Dictionary<string, SecretInsight>(StringComparer.Ordinal);
        foreach (var entry in Property(root, "paths", JsonValueKind.Object, what).EnumerateObject())
        {
            var insight = entry.Value;
            if (insight.ValueKind != JsonValueKind.Object) throw Corrupt(what, $"path '{entry.Name}' is not an object");
            paths[entry.Name] = new SecretInsight(
                Int(insight, "version", what),
                ParseTime(Property(insight, "updated_time", JsonValueKind.String, what).GetString()!, what),
                ParseState(Property(insight, "state", JsonValueKind.String, what).GetString()!, what));
        }
        return new SyncBucket(Int(root, "bucket", what), paths);
    }

    /// <summary>Reads an index; errors as for <see cref="ParseBucket"/>.</summary>
    public static SyncIndex ParseIndex(ReadOnlySpan<byte> data, string what)
    {
        var root = Parse(data, what);
        var schema = CheckSchema(root, what);
        var buckets = new List<SyncIndexBucket>();
        foreach (var item in Property(root, "buckets", JsonValueKind.Array, what).EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw Corrupt(what, "a bucket entry is not an object");
            buckets.Add(new SyncIndexBucket(
                Int(item, "bucket", what),
                Property(item, "hash", JsonValueKind.String, what).GetString()!,
                Generation(Property(item, "generation", JsonValueKind.String, what).GetString()!, what),
                Int(item, "paths", what)));
        }
        return new SyncIndex(
            Int(root, "bucket_count", what),
            Generation(Property(root, "generation", JsonValueKind.String, what).GetString()!, what),
            ParseTime(Property(root, "created", JsonValueKind.String, what).GetString()!, what),
            buckets)
        {
            SchemaVersion = schema,
            Algorithm = Property(root, "algorithm", JsonValueKind.String, what).GetString()!,
            SourceGeneration = root.TryGetProperty("source_generation", out var source) && source.ValueKind == JsonValueKind.String ? source.GetString() : null,
        };
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text, string what) =>
        DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw Corrupt(what, $"'{text}' is not a time");

    private static string StateText(SecretState state) => state switch
    {
        SecretState.Active => "active",
        SecretState.Deleted => "deleted",
        SecretState.Destroyed => "destroyed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static SecretState ParseState(string text, string what) => text switch
    {
        "active" => SecretState.Active,
        "deleted" => SecretState.Deleted,
        "destroyed" => SecretState.Destroyed,
        _ => throw Corrupt(what, $"unknown state '{text}'"),
    };

    private static string Generation(string text, string what) =>
        SyncInfoLayout.IsValidName(text) ? text : throw Corrupt(what, $"'{text}' is not a generation id");

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
            write(writer);
        return buffer.WrittenSpan.ToArray();
    }

    private static JsonElement Parse(ReadOnlySpan<byte> data, string what)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : throw Corrupt(what, "it is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw Corrupt(what, ex.Message);
        }
    }

    private static int CheckSchema(JsonElement root, string what)
    {
        var schema = Int(root, "schema_version", what);
        return schema == SchemaVersion
            ? schema
            : throw new NotSupportedException($"{what} has schema_version {schema}; this VarTrack reads schema_version {SchemaVersion} (was it written by a newer VarTrack?)");
    }

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind, string what) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == kind ? value : throw Corrupt(what, $"'{name}' is missing or of the wrong type");

    private static int Int(JsonElement parent, string name, string what) =>
        Property(parent, name, JsonValueKind.Number, what).TryGetInt32(out var value) && value >= 0 ? value : throw Corrupt(what, $"'{name}' is not a whole number");

    private static InvalidDataException Corrupt(string what, string reason) => new($"{what} is corrupt: {reason}");
}
