using System.Collections.Concurrent;
using System.Security.Cryptography;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Files;

/// <summary>
/// Writes a flat map to one file per destination (the destination is the file's absolute path, on this machine or,
/// with <c>host</c>, on an SFTP server), rendered as .env, .json, .yaml, .properties or .ini. Provenance lives beside
/// it in <c>&lt;path&gt;.vartrack.json</c> (owner -> record). Every write replaces the whole file atomically; the data
/// file is written first, the provenance file after. A file changed by someone else between this sink's read and its
/// apply is not overwritten: the apply fails and the executor rolls back.
/// </summary>
public sealed class FileSink : ISink, IAsyncDisposable
{
    /// <summary>Appended to the data file's path to name the provenance file.</summary>
    public const string ProvenanceSuffix = ".vartrack.json";

    /// <summary>Appended to the data file's path to name the copy of the previous file (with <c>backup: true</c>).</summary>
    public const string BackupSuffix = ".bak";

    private readonly IFileStore _store;
    private readonly IFlatFileFormat _format;
    private readonly bool _backup;

    // What this sink last read or wrote at each path: an apply refuses to overwrite a file that changed since.
    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

    internal FileSink(IFileStore store, IFlatFileFormat format, bool backup)
    {
        _store = store;
        _format = format;
        _backup = backup;
    }

    public async Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        var path = _store.CheckPath(target.Destination);
        var (values, records, data) = await LoadAsync(path, target, cancellationToken);
        _seen[path] = Fingerprint(data);
        return new Snapshot(values, records.GetValueOrDefault(target.Owner));
    }

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var path = _store.CheckPath(target.Destination);
        var (current, records, data) = await LoadAsync(path, target, cancellationToken);
        if (_seen.TryGetValue(path, out var seen) && seen != Fingerprint(data))
            throw new DestinationChangedException($"{_store.Describe(path)} changed since it was read (edited by hand or by another writer); nothing written, sync again to see the difference");

        var next = FlatJson.Apply(current, changes);
        if (provenance is null) records.Remove(target.Owner);
        else records[target.Owner] = provenance;

        var provenancePath = path + ProvenanceSuffix;
        if (next.Count == 0 && records.Count == 0)
        {
            // Nothing left and nobody's record: the destination goes back to "never written" (a restore of a fresh one).
            if (data is not null)
            {
                if (_backup) await _store.ReplaceAsync(path + BackupSuffix, data, cancellationToken);
                await _store.DeleteAsync(path, cancellationToken);
            }
            await _store.DeleteAsync(provenancePath, cancellationToken);
            _seen[path] = Fingerprint(null);
            return;
        }

        var content = _format.Render(next); // refuses unwritable keys before anything is written
        if (data is null || !content.AsSpan().SequenceEqual(data))
        {
            if (_backup && data is not null) await _store.ReplaceAsync(path + BackupSuffix, data, cancellationToken);
            await _store.ReplaceAsync(path, content, cancellationToken);
        }
        _seen[path] = Fingerprint(content);

        if (records.Count == 0) await _store.DeleteAsync(provenancePath, cancellationToken);
        else await _store.ReplaceAsync(provenancePath, ProvenanceJson.SerializeSet(records), cancellationToken);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    internal IFileStore Store => _store;

    private async Task<(Dictionary<string, FlatValue> Values, Dictionary<string, Provenance> Records, byte[]? Data)> LoadAsync(
        string path, SinkTarget target, CancellationToken cancellationToken)
    {
        var data = await _store.ReadAsync(path, cancellationToken);
        var provenancePath = path + ProvenanceSuffix;
        var stored = await _store.ReadAsync(provenancePath, cancellationToken);
        var records = stored is null ? new Dictionary<string, Provenance>(StringComparer.Ordinal) : ProvenanceJson.ParseSet(stored, _store.Describe(provenancePath));
        if (data is null) return (new Dictionary<string, FlatValue>(StringComparer.Ordinal), records, null);

        var values = _format.Parse(data, _store.Describe(path));
        if (!_format.HoldsNull && records.GetValueOrDefault(target.Owner) is { NullKeys.Count: > 0 } owner)
            foreach (var key in owner.NullKeys)
                if (values.TryGetValue(key, out var value) && value.PlainText is { } text)
                    values[key] = StoredText.Decode(key, text, owner);
        return (values, records, data);
    }

    private static string Fingerprint(byte[]? data) => data is null ? "missing" : Convert.ToHexString(SHA256.HashData(data));
}
