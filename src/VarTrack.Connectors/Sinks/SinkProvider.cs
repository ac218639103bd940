using System.Collections.Concurrent;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Sinks;

/// <summary>
/// Opens each configured sink once (settings resolved, client connected) and hands the same instance to every sync.
/// A failed open is not cached, so a sink that was down is retried on the next sync. <paramref name="baseDirectory"/>
/// is the folder of vartrack.yaml, against which sinks resolve relative local paths.
/// </summary>
public sealed class SinkProvider(IEnumerable<ISinkFactory> factories, SettingResolver resolver, string? baseDirectory = null) : ISinkProvider, IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, ISinkFactory> _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ISink>>> _opened = new(StringComparer.Ordinal);
    // Kept apart from _opened: a sink whose connection failed must still have its secrets scrubbed from that error.
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _secrets = new(StringComparer.Ordinal);

    public async Task<ISink> OpenAsync(SinkDefinition definition, CancellationToken cancellationToken = default)
    {
        var open = _opened.GetOrAdd(definition.Name, _ => new Lazy<Task<ISink>>(() => CreateAsync(definition)));
        try
        {
            return await open.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (open.Value.IsFaulted)
        {
            _opened.TryRemove(new KeyValuePair<string, Lazy<Task<ISink>>>(definition.Name, open));
            throw;
        }
    }

    public IEnumerable<string> SecretsOf(string sinkName) => _secrets.GetValueOrDefault(sinkName) ?? [];

    private async Task<ISink> CreateAsync(SinkDefinition definition)
    {
        if (!_factories.TryGetValue(definition.Type, out var factory))
            throw new VarTrackException(new Problem($"sink type '{definition.Type}' is not available in this host") { Sink = definition.Name });
        // Opening is shared by every caller, so it never uses one caller's token (a cancelled caller must not break it for others).
        var settings = await SinkSettings.ResolveAsync(definition, resolver, baseDirectory, CancellationToken.None);
        _secrets[definition.Name] = settings.SecretTexts().ToList();
        return await factory.CreateAsync(settings, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var open in _opened.Values)
            if (open.IsValueCreated && open.Value.IsCompletedSuccessfully && open.Value.Result is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
        _opened.Clear();
    }
}
