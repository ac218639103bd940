using System.Text.Json.Nodes;

namespace VarTrack.Core.Releases;

/// <summary>A record of the meta repository: its canonical JSON form and the schema version it is written in.</summary>
public abstract record MetaRecord
{
    /// <summary>The JSON object (keys in any order; <see cref="ToCanonical"/> sorts them).</summary>
    public abstract JsonObject ToJson();

    /// <summary>The bytes written to Git.</summary>
    public byte[] ToCanonical() => CanonicalJson.Serialize(ToJson());

    /// <summary>The JSON object with its keys in canonical (sorted) order, for answers that show records as stored.</summary>
    public JsonObject ToSortedJson() => JsonNode.Parse(ToCanonical())!.AsObject();
}
