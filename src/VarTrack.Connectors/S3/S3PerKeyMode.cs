using System.Collections.Concurrent;
using System.Text;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>
/// mode: per_key — one object per flat key at <c>&lt;destination&gt;/&lt;flat key&gt;</c> holding the value as UTF-8
/// text (null stored as an empty object and listed in the owner's provenance); provenance lives in
/// <c>&lt;destination&gt;/__vartrack__.json</c>. Reads list the prefix and GET objects 16 at a time; writes PUT 16 at a
/// time and remove with DeleteObjects, 1000 keys per request.
/// </summary>
internal sealed class S3PerKeyMode : S3StorageMode
{
    public const string ProvenanceName = "__vartrack__.json";

    public static string Prefix(string destination) => destination + "/";

    public static string ObjectKey(string destination, string flatKey) => Prefix(destination) + flatKey;

    public override string ProvenanceKey(string destination) => Prefix(destination) + ProvenanceName;

    public override async Task<Snapshot> ReadAsync(S3Bucket bucket, SinkTarget target, CancellationToken cancellationToken)
    {
        var prefix = Prefix(target.Destination);
        var provenanceKey = ProvenanceKey(target.Destination);
        var provenanceRead = S3Provenance.ReadAsync(bucket, provenanceKey, target, cancellationToken);
        var listing = bucket.ListAsync(prefix, cancellationToken);
        await Task.WhenAll(provenanceRead, listing);
        var keys = listing.Result.Where(key => key != provenanceKey).ToList();

        var stored = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(keys, Options(cancellationToken), async (key, token) =>
        {
            // Null: removed between the listing and the GET.
            if (await bucket.GetAsync(key, token) is { } value) stored[key[prefix.Length..]] = Encoding.UTF8.GetString(value.Content);
        });

        var provenance = provenanceRead.Result;
        var values = new Dictionary<string, FlatValue>(stored.Count, StringComparer.Ordinal);
        foreach (var (flatKey, text) in stored) values[flatKey] = StoredText.Decode(flatKey, text, provenance);
        return new Snapshot(values, provenance);
    }

    public override async Task ApplyAsync(S3Bucket bucket, SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(changes.Upserts, Options(cancellationToken), async (upsert, token) =>
            await bucket.PutAsync(ObjectKey(target.Destination, upsert.Key), Encoding.UTF8.GetBytes(StoredText.Encode(upsert.Value)), "text/plain; charset=utf-8", token));
        var removals = changes.Removals.Select(key => ObjectKey(target.Destination, key)).ToList();
        if (removals.Count > 0) await bucket.DeleteAsync(removals, cancellationToken);
        await S3Provenance.WriteAsync(bucket, ProvenanceKey(target.Destination), target, provenance, firstWrite: changes.IsEmpty, cancellationToken);
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = S3Bucket.Parallelism, CancellationToken = cancellationToken };
}
