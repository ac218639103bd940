namespace VarTrack.Connectors.Files;

/// <summary>The file renderings by their <c>format:</c> name.</summary>
public static class FlatFileFormats
{
    private static readonly IReadOnlyDictionary<string, IFlatFileFormat> ByName = new IFlatFileFormat[]
    {
        new DotEnvFileFormat(), new JsonFileFormat(), new YamlFileFormat(), new PropertiesFileFormat(), new IniFileFormat(),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryGet(string name, out IFlatFileFormat format) => ByName.TryGetValue(name, out format!);
}
