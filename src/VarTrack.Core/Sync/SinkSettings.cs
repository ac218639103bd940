using System.Globalization;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Secrets;
using VarTrack.Core.Text;

namespace VarTrack.Core.Sync;

/// <summary>
/// A sink's settings with <c>${ENV}</c> and <c>@secret(...)</c> resolved, read with typed getters. The loader has
/// already checked names, kinds and required ones against <see cref="SinkTypes"/>, so getters only convert.
/// </summary>
public sealed class SinkSettings
{
    private readonly IReadOnlyDictionary<string, SecretValue> _values;

    private SinkSettings(SinkDefinition definition, IReadOnlyDictionary<string, SecretValue> values)
    {
        Definition = definition;
        _values = values;
    }

    public SinkDefinition Definition { get; }

    public string Name => Definition.Name;

    /// <summary>The folder of vartrack.yaml, when there is one: relative local paths in settings and destinations resolve against it.</summary>
    public string? BaseDirectory { get; init; }

    public static async Task<SinkSettings> ResolveAsync(SinkDefinition definition, SettingResolver resolver, string? baseDirectory = null, CancellationToken cancellationToken = default)
    {
        var values = new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        foreach (var (name, setting) in definition.Settings)
            values[name] = await resolver.ResolveAsync(setting, $"setting '{name}' of sink '{definition.Name}'", cancellationToken);
        return new SinkSettings(definition, values) { BaseDirectory = baseDirectory };
    }

    /// <summary>For tests and code-built sinks: settings given as plain text.</summary>
    public static SinkSettings FromText(SinkDefinition definition, IReadOnlyDictionary<string, string> values, string? baseDirectory = null) =>
        new(definition, values.ToDictionary(v => v.Key, v => new SecretValue(v.Value), StringComparer.Ordinal)) { BaseDirectory = baseDirectory };

    /// <summary>The resolved text (secrets revealed: for building clients only, never for messages).</summary>
    public string? Text(string name) => _values.TryGetValue(name, out var value) ? value.Reveal() : null;

    public string RequiredText(string name) =>
        Text(name) ?? throw new VarTrackException(new Problem($"setting '{name}' is required for type {Definition.Type}") { Sink = Name });

    public string Choice(string name, string fallback) => Text(name) ?? fallback;

    public int? Integer(string name) => Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    public bool Boolean(string name, bool fallback) => Text(name) is { } text ? text == "true" : fallback;

    public TimeSpan? Duration(string name) => Text(name) is { } text && DurationText.TryParse(text, out var duration) ? duration : null;

    /// <summary>The resolved values of secret-bearing settings, so error messages can be scrubbed of them.</summary>
    public IEnumerable<string> SecretTexts() =>
        Definition.Settings.Where(s => s.Value.Secret is not null || SinkTypes.All[Definition.Type].Any(spec => spec.Name == s.Key && spec.Kind == SettingKind.Secret))
            .Select(s => _values[s.Key].Reveal())
            .Where(text => text.Length > 0);
}
