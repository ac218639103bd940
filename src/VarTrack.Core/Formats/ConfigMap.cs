namespace VarTrack.Core.Formats;

/// <summary>An ordered map with unique keys. Build it with <see cref="Builder"/>, which rejects duplicate keys.</summary>
public sealed class ConfigMap : ConfigNode
{
    private readonly List<ConfigEntry> _entries;
    private readonly Dictionary<string, int> _index;

    private ConfigMap(List<ConfigEntry> entries, Dictionary<string, int> index, SourcePosition position) : base(position)
    {
        _entries = entries;
        _index = index;
    }

    public static ConfigMap Empty(SourcePosition position) => new([], new(StringComparer.Ordinal), position);

    public IReadOnlyList<ConfigEntry> Entries => _entries;

    public int Count => _entries.Count;

    public bool TryGetEntry(string key, out ConfigEntry entry)
    {
        if (_index.TryGetValue(key, out var i))
        {
            entry = _entries[i];
            return true;
        }
        entry = null!;
        return false;
    }

    public ConfigNode? this[string key] => TryGetEntry(key, out var e) ? e.Value : null;

    /// <summary>Collects entries in order; a second entry with the same key is refused and the first one returned.</summary>
    public sealed class Builder
    {
        private List<ConfigEntry>? _entries = [];
        private Dictionary<string, int>? _index = new(StringComparer.Ordinal);
        private readonly SourcePosition _position;

        public Builder(SourcePosition position) => _position = position;

        public int Count => _entries?.Count ?? 0;

        /// <summary>Adds the entry; returns false and the existing entry when the key is already present.</summary>
        public bool TryAdd(ConfigEntry entry, out ConfigEntry existing)
        {
            var entries = _entries ?? throw new InvalidOperationException("The map was already built.");
            if (_index!.TryGetValue(entry.Key, out var i))
            {
                existing = entries[i];
                return false;
            }
            _index.Add(entry.Key, entries.Count);
            entries.Add(entry);
            existing = entry;
            return true;
        }

        /// <summary>Adds or replaces (used by merges, where a later value wins by design).</summary>
        public void Set(ConfigEntry entry)
        {
            var entries = _entries ?? throw new InvalidOperationException("The map was already built.");
            if (_index!.TryGetValue(entry.Key, out var i))
                entries[i] = entry;
            else
            {
                _index.Add(entry.Key, entries.Count);
                entries.Add(entry);
            }
        }

        public bool TryGet(string key, out ConfigEntry entry)
        {
            if (_index!.TryGetValue(key, out var i))
            {
                entry = _entries![i];
                return true;
            }
            entry = null!;
            return false;
        }

        public ConfigMap Build()
        {
            var map = new ConfigMap(_entries!, _index!, _position);
            _entries = null;
            _index = null;
            return map;
        }
    }
}
