using VarTrack.Core.Config;

namespace VarTrack.Core.NodeConfig;

/// <summary>Registrations in Azure Table storage: <see cref="Connection"/> is a connection string setting (<c>${ENV}</c> or a literal).</summary>
public sealed record NodeRegistrySettings(SettingValue Connection, string Table)
{
    public const string DefaultTable = "vartracknodes";
}
