using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>
/// The provenance sidecar both modes keep beside the data: one JSON object of owner (<c>rule:file</c>) -> record
/// (<see cref="ProvenanceJson.SerializeSet"/>), updated by read-modify-conditional-write so other owners' records survive.
/// </summary>
internal static class S3Provenance
{
    public static async Task<Provenance?> ReadAsync(S3Bucket bucket, string key, SinkTarget target, CancellationToken cancellationToken)
    {
        var stored = await bucket.GetAsync(key, cancellationToken);
        return stored is null ? null : Parse(bucket, key, stored).GetValueOrDefault(target.Owner);
    }

    /// <summary>
    /// Sets (or, for null, removes) the owner's record; the sidecar is removed when no owner is left.
    /// <paramref name="firstWrite"/>: nothing else was written by this apply (see <see cref="S3Bucket.ReplaceAsync"/>).
    /// </summary>
    public static async Task WriteAsync(S3Bucket bucket, string key, SinkTarget target, Provenance? provenance, bool firstWrite, CancellationToken cancellationToken)
    {
        var stored = await bucket.GetAsync(key, cancellationToken);
        var records = stored is null ? new Dictionary<string, Provenance>(StringComparer.Ordinal) : Parse(bucket, key, stored);
        if (provenance is not null) records[target.Owner] = provenance;
        else if (!records.Remove(target.Owner)) return;
        await bucket.ReplaceAsync(key, records.Count == 0 ? null : ProvenanceJson.SerializeSet(records), "application/json", stored?.ETag, firstWrite, cancellationToken);
    }

    private static Dictionary<string, Provenance> Parse(S3Bucket bucket, string key, S3StoredObject stored) =>
        ProvenanceJson.ParseSet(stored.Content, $"s3 object '{bucket.Name}/{key}'");
}
