using VarTrack.Core.Config;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// How nodes authenticate: one bootstrap token shared by the deployment, or one token per node identifier (then a
/// node can only act as itself). Exactly one of the two is set. Values are settings (<c>${ENV}</c> or
/// <c>@secret(...)</c>), resolved when the service first needs them.
/// </summary>
public sealed record NodeTokenSettings
{
    public SettingValue? Bootstrap { get; init; }

    public IReadOnlyDictionary<string, SettingValue> PerNode { get; init; } = new Dictionary<string, SettingValue>();
}
