using Microsoft.Extensions.Logging;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>Keeps every log line (formatted, with its structured values) so tests can assert what was logged and that nothing secret was.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return _lines.ToList();
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        lock (_lines) _lines.Add($"{logLevel}: {formatter(state, exception)} [{values}] {exception}");
    }
}
