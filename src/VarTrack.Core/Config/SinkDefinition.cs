using VarTrack.Core.Formats;
using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>A named sink: its type, the destination template, and type-specific settings (see <see cref="SinkTypes"/>).</summary>
public sealed record SinkDefinition(string Name, string Type, TemplateString Destination, IReadOnlyDictionary<string, SettingValue> Settings)
{
    public SourcePosition Position { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public SettingValue? Setting(string name) => Settings.GetValueOrDefault(name);
}
