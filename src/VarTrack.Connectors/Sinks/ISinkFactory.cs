using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Sinks;

/// <summary>Creates the sink for one sink type from its resolved settings (one factory per connector folder).</summary>
public interface ISinkFactory
{
    /// <summary>The type name in vartrack.yaml (see <c>SinkTypes</c>).</summary>
    string Type { get; }

    /// <summary>
    /// Connects (or prepares to connect) and returns the sink. Called once per sink name; the result is cached and,
    /// if it implements <see cref="IAsyncDisposable"/>, disposed when the provider is.
    /// </summary>
    Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default);
}
