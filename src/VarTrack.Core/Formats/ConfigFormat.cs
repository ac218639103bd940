namespace VarTrack.Core.Formats;

/// <summary>The config file formats VarTrack reads. The format comes from the file extension unless a rule overrides it.</summary>
public enum ConfigFormat
{
    Yaml,
    Json,
    Toml,
    DotEnv,
    Ini,
    Hcl,
    Xml,
    Properties,
}
