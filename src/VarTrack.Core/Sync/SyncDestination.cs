using VarTrack.Core.Config;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Sync;

/// <summary>One sink of a rule and the destination its template renders to for one file and environment.</summary>
public sealed record SyncDestination(SinkDefinition Sink, string Destination)
{
    /// <summary>Lock key: one sync per sink and destination at a time.</summary>
    public string LockKey => $"{Sink.Name}\n{Destination}";

    /// <summary>The destinations of every sink of <paramref name="rule"/> for the given placeholder values.</summary>
    public static IReadOnlyList<SyncDestination> For(VarTrackConfig config, RuleDefinition rule, TemplateValues values)
    {
        var placeholders = values.ToDictionary();
        return rule.Sinks.Select(name => config.Sinks[name]).Select(sink => new SyncDestination(sink, sink.Destination.Render(placeholders))).ToList();
    }
}
