using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>The one place that knows format names, file extensions and the parser for each format.</summary>
public static class ConfigFormats
{
    private static readonly Dictionary<string, ConfigFormat> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["yaml"] = ConfigFormat.Yaml, ["yml"] = ConfigFormat.Yaml,
        ["json"] = ConfigFormat.Json,
        ["toml"] = ConfigFormat.Toml,
        ["dotenv"] = ConfigFormat.DotEnv, ["env"] = ConfigFormat.DotEnv,
        ["ini"] = ConfigFormat.Ini, ["cfg"] = ConfigFormat.Ini,
        ["hcl"] = ConfigFormat.Hcl, ["tf"] = ConfigFormat.Hcl, ["tfvars"] = ConfigFormat.Hcl, ["nomad"] = ConfigFormat.Hcl,
        ["xml"] = ConfigFormat.Xml,
        ["properties"] = ConfigFormat.Properties,
    };

    /// <summary>The names accepted for <c>format:</c> in a rule.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParseName(string name, out ConfigFormat format) => ByName.TryGetValue(name, out format);

    /// <summary>
    /// The format of a file from its name: the extension, and dotenv names (<c>.env</c>, <c>.env.production</c>,
    /// <c>app.env</c>). Returns false when the name says nothing known.
    /// </summary>
    public static bool TryDetect(string path, out ConfigFormat format)
    {
        var name = System.IO.Path.GetFileName(path);
        if (name.Equals(".env", StringComparison.OrdinalIgnoreCase) || name.StartsWith(".env.", StringComparison.OrdinalIgnoreCase))
        {
            format = ConfigFormat.DotEnv;
            return true;
        }
        var extension = System.IO.Path.GetExtension(name).TrimStart('.');
        return ByName.TryGetValue(extension, out format);
    }

    public static ConfigFormat Detect(string path) =>
        TryDetect(path, out var format)
            ? format
            : throw new VarTrackException(new Problem(
                $"cannot tell the format from the file name; use a known extension or set 'format' on the rule ({string.Join(", ", ByName.Keys.Order())})")
            { File = path });

    public static IConfigFormatParser ParserFor(ConfigFormat format) => format switch
    {
        ConfigFormat.Yaml => new YamlFormatParser(),
        ConfigFormat.Json => new JsonFormatParser(),
        ConfigFormat.Toml => new TomlFormatParser(),
        ConfigFormat.Hcl => new HclFormatParser(),
        ConfigFormat.DotEnv => new DotEnvFormatParser(),
        ConfigFormat.Ini => new IniFormatParser(),
        ConfigFormat.Properties => new PropertiesFormatParser(),
        ConfigFormat.Xml => new XmlFormatParser(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown config format"),
    };
}
