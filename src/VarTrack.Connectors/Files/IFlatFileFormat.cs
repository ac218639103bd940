using VarTrack.Core.Etl;

namespace VarTrack.Connectors.Files;

/// <summary>
/// One file rendering of a flat map (.env, .json, .yaml, .properties, .ini). <see cref="Render"/> writes text that
/// VarTrack's own parser for the format reads back to the identical map; <see cref="Parse"/> IS that parser (the one in
/// <c>VarTrack.Core.Formats</c>, plus the <see cref="Flattener"/>), so a hand-edited file reads exactly as a config
/// source would.
/// </summary>
public interface IFlatFileFormat
{
    /// <summary>The name used for <c>format:</c> in vartrack.yaml (env, json, yaml, properties, ini).</summary>
    string Name { get; }

    /// <summary>
    /// True when the format has a null of its own (json, yaml). Otherwise null is written as an empty value and the
    /// sink reads it back as null through the owner's provenance (see <c>StoredText</c>).
    /// </summary>
    bool HoldsNull { get; }

    /// <summary>The file content (UTF-8, no BOM, LF line ends), keys in ordinal order. Refuses keys or values the format cannot hold, naming the key.</summary>
    byte[] Render(IReadOnlyDictionary<string, FlatValue> values);

    /// <summary>Reads a file's content; <paramref name="where"/> names the file in error messages.</summary>
    Dictionary<string, FlatValue> Parse(ReadOnlyMemory<byte> content, string where);
}
