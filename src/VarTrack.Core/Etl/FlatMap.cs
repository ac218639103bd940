using System.Collections;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Etl;

/// <summary>
/// The flattened configuration: <c>key.subkey -> value</c> in document order, plus where each key came from
/// (for error messages). This is what sinks store and what plans compare.
/// </summary>
public sealed class FlatMap : IReadOnlyDictionary<string, FlatValue>
{
    private readonly Dictionary<string, FlatValue> _values;
    private readonly Dictionary<string, SourcePosition> _origins;

    public FlatMap(int capacity = 0)
    {
        _values = new Dictionary<string, FlatValue>(capacity, StringComparer.Ordinal);
        _origins = new Dictionary<string, SourcePosition>(capacity, StringComparer.Ordinal);
    }

    public FlatMap(IEnumerable<KeyValuePair<string, FlatValue>> values) : this()
    {
        foreach (var (key, value) in values) Add(key, value, SourcePosition.None);
    }

    public int Count => _values.Count;

    public FlatValue this[string key] => _values[key];

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<FlatValue> Values => _values.Values;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, out FlatValue value) => _values.TryGetValue(key, out value);

    /// <summary>Where the key was written in the source file, when known.</summary>
    public SourcePosition OriginOf(string key) => _origins.GetValueOrDefault(key, SourcePosition.None);

    /// <summary>Adds a key; returns false (and changes nothing) when it is already present.</summary>
    public bool TryAdd(string key, FlatValue value, SourcePosition origin)
    {
        if (!_values.TryAdd(key, value)) return false;
        if (origin.IsKnown) _origins[key] = origin;
        return true;
    }

    public void Add(string key, FlatValue value, SourcePosition origin)
    {
        if (!TryAdd(key, value, origin)) throw new ArgumentException($"key '{key}' is already present", nameof(key));
    }

    public bool Remove(string key)
    {
        _origins.Remove(key);
        return _values.Remove(key);
    }

    /// <summary>A copy in the same order, so a step can change it without touching its input.</summary>
    public FlatMap Clone()
    {
        var copy = new FlatMap(Count);
        foreach (var (key, value) in _values) copy.Add(key, value, OriginOf(key));
        return copy;
    }

    public IEnumerator<KeyValuePair<string, FlatValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
