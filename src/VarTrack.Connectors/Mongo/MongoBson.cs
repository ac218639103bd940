using System.Globalization;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Mongo;

/// <summary>
/// Conversions between flat values / provenance records and BSON. Values are written as BSON strings or BSON null
/// (null is native in MongoDB, so no <c>StoredText</c> trick is needed); values someone wrote by hand as numbers,
/// booleans or documents read back as their text, so drift shows instead of an error. Provenance records are stored
/// as sub-documents holding exactly the fields of <see cref="ProvenanceJson"/>, and read back from a sub-document or
/// from a JSON string.
/// </summary>
internal static class MongoBson
{
    private static readonly JsonWriterSettings Relaxed = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public static BsonValue ToBson(FlatValue value) => value.Reveal() is { } text ? new BsonString(text) : BsonNull.Value;

    public static FlatValue ToFlatValue(BsonValue? value) => value switch
    {
        null or BsonNull or BsonUndefined => FlatValue.Null,
        BsonString s => FlatValue.Text(s.Value),
        BsonBoolean b => FlatValue.Text(b.Value ? "true" : "false"),
        BsonInt32 i => FlatValue.Text(i.Value.ToString(CultureInfo.InvariantCulture)),
        BsonInt64 l => FlatValue.Text(l.Value.ToString(CultureInfo.InvariantCulture)),
        BsonDouble d => FlatValue.Text(d.Value.ToString("R", CultureInfo.InvariantCulture)),
        BsonDecimal128 m => FlatValue.Text(m.Value.ToString()),
        BsonDateTime t => FlatValue.Text(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
        BsonDocument doc => FlatValue.Text(doc.ToJson(Relaxed)),
        BsonArray array => FlatValue.Text(array.ToJson(Relaxed)),
        _ => FlatValue.Text(value.ToString() ?? ""),
    };

    public static BsonDocument ToBson(Provenance record) => BsonDocument.Parse(ProvenanceJson.SerializeToString(record));

    /// <summary>Reads a stored record; <paramref name="where"/> names the document and field for the error message.</summary>
    public static Provenance ToProvenance(BsonValue stored, string where) => stored switch
    {
        BsonDocument document => ProvenanceJson.Parse(document.ToJson(Relaxed), where),
        BsonString json => ProvenanceJson.Parse(json.Value, where),
        _ => throw new VarTrackException(new Problem(
            $"provenance record at {where} is not valid: expected a document or a JSON string, found {stored.BsonType.ToString().ToLowerInvariant()}")),
    };
}
