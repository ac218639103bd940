using System.Net.Sockets;
using System.Text;
using VarTrack.Connectors.Tests.Sinks;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>
/// A raw MONITOR connection to the test Redis: records every command the server runs, with the client that sent it,
/// so tests can prove exactly which commands (and how many round trips) a sink used.
/// </summary>
public sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private readonly List<MonitoredCommand> _commands = [];
    private Task? _reader;

    /// <summary>One command as MONITOR printed it: the sending client (<c>db address</c>) and the words (name first).</summary>
    public sealed record MonitoredCommand(string Client, IReadOnlyList<string> Words)
    {
        public string Name => Words[0].ToUpperInvariant();

        public override string ToString() => string.Join(' ', Words.Take(4)) + (Words.Count > 4 ? $" ... ({Words.Count} words)" : "");
    }

    public static async Task<RedisMonitor> StartAsync()
    {
        var endpoint = TestServices.Redis.Split(':');
        var monitor = new RedisMonitor();
        await monitor._client.ConnectAsync(endpoint[0], int.Parse(endpoint[1]));
        var stream = monitor._client.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
        var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = await reader.ReadLineAsync();
        Assert.Equal("+OK", ok);
        monitor._reader = Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                    if (Parse(line) is { } command)
                        lock (monitor._commands) monitor._commands.Add(command);
            }
            catch (IOException)
            {
                // Closed by DisposeAsync.
            }
            catch (ObjectDisposedException)
            {
            }
        });
        return monitor;
    }

    public List<MonitoredCommand> Commands
    {
        get
        {
            lock (_commands) return [.. _commands];
        }
    }

    /// <summary>Waits until a recorded command matches (MONITOR output trails the commands slightly).</summary>
    public Task<List<MonitoredCommand>> WaitForAsync(Func<MonitoredCommand, bool> match) => WaitUntilAsync(commands => commands.Any(match));

    public async Task<List<MonitoredCommand>> WaitUntilAsync(Func<List<MonitoredCommand>, bool> done)
    {
        // MONITOR shows every client's commands: with the whole suite writing to Redis on a loaded machine, the
        // stream (and this reader) can fall seconds behind, so the bound is generous.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var commands = Commands;
            if (done(commands)) return commands;
            await Task.Delay(50);
        }
        Assert.Fail("MONITOR did not show the expected command within 60 s");
        return [];
    }

    /// <summary><c>+1700000000.123456 [0 127.0.0.1:5555] "HSET" "key" "field" ...</c></summary>
    private static MonitoredCommand? Parse(string line)
    {
        var open = line.IndexOf('[');
        var close = line.IndexOf(']', open + 1);
        if (!line.StartsWith('+') || open < 0 || close < 0) return null;
        var words = new List<string>();
        var word = new StringBuilder();
        var inside = false;
        for (var i = close + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (!inside)
            {
                if (c == '"') inside = true;
                continue;
            }
            if (c == '"')
            {
                words.Add(word.ToString());
                word.Clear();
                inside = false;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                var next = line[++i];
                if (next == 'x' && i + 2 < line.Length)
                {
                    word.Append((char)Convert.ToByte(line.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else word.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => next });
            }
            else word.Append(c);
        }
        return words.Count == 0 ? null : new MonitoredCommand(line[(open + 1)..close], words);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_reader is not null) await _reader;
    }
}
