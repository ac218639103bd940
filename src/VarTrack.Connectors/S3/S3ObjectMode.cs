using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>
/// mode: object — the destination is one object key holding the whole map as <see cref="FlatJson"/>
/// (application/json); provenance lives in the sidecar <c>&lt;destination&gt;.vartrack.json</c>. A sync re-reads the
/// document with its ETag, applies the change set and replaces it only if it is still that version.
/// </summary>
internal sealed class S3ObjectMode : S3StorageMode
{
    public const string ProvenanceSuffix = ".vartrack.json";

    /// <summary>For tests: runs between the re-read and the conditional write, where a concurrent edit would land.</summary>
    internal Func<Task>? BeforeWrite { get; init; }

    public override string ProvenanceKey(string destination) => destination + ProvenanceSuffix;

    public override async Task<Snapshot> ReadAsync(S3Bucket bucket, SinkTarget target, CancellationToken cancellationToken)
    {
        var document = bucket.GetAsync(target.Destination, cancellationToken);
        var provenance = S3Provenance.ReadAsync(bucket, ProvenanceKey(target.Destination), target, cancellationToken);
        await Task.WhenAll(document, provenance);
        return new Snapshot(Parse(bucket, target, document.Result), provenance.Result);
    }

    public override async Task ApplyAsync(S3Bucket bucket, SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken)
    {
        if (!changes.IsEmpty)
        {
            var current = await bucket.GetAsync(target.Destination, cancellationToken);
            var next = FlatJson.Apply(Parse(bucket, target, current), changes);
            if (BeforeWrite is not null) await BeforeWrite();
            // An emptied map leaves no object behind, so restoring a destination that never existed leaves nothing.
            await bucket.ReplaceAsync(target.Destination, next.Count == 0 ? null : FlatJson.Serialize(next), "application/json", current?.ETag, firstWrite: true, cancellationToken);
        }
        await S3Provenance.WriteAsync(bucket, ProvenanceKey(target.Destination), target, provenance, firstWrite: changes.IsEmpty, cancellationToken);
    }

    private static Dictionary<string, FlatValue> Parse(S3Bucket bucket, SinkTarget target, S3StoredObject? document) =>
        document is null ? new Dictionary<string, FlatValue>(StringComparer.Ordinal) : FlatJson.Parse(document.Content, $"s3 object '{bucket.Name}/{target.Destination}'");
}
