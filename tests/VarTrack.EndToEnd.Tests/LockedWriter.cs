using System.Text;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Writes to a <see cref="StringWriter"/> under a lock on it, so a test can read what a command has written so far
/// (<see cref="Read"/>) while the command still runs on another thread; StringWriter alone is not thread-safe.
/// </summary>
public sealed class LockedWriter(StringWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public static string Read(StringWriter writer)
    {
        lock (writer) return writer.ToString();
    }

    public override void Write(char value)
    {
        lock (inner) inner.Write(value);
    }

    public override void Write(string? value)
    {
        lock (inner) inner.Write(value);
    }

    public override void WriteLine(string? value)
    {
        lock (inner) inner.WriteLine(value);
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;
}
