using System.CommandLine;
using VarTrack.Connectors;

namespace VarTrack.Cli;

/// <summary>
/// Where the commands that act on a server's state (<c>vt vault</c>, <c>vt meta notifications</c>) find it: the local
/// folder (<c>--state</c>) or shared Azure Blob state (<c>--state-connection</c>, else the variable the Functions app
/// reads), so they see exactly what the server or the Functions app sees.
/// </summary>
internal static class StateOptions
{
    /// <summary>Read when <c>--state-connection</c> is not given, as the Functions app does.</summary>
    public const string ConnectionVariable = "VARTRACK_STATE_CONNECTION";

    public static readonly Option<string> Directory = new("--state")
    {
        Description = "The state folder the server uses (default: .vartrack).",
        DefaultValueFactory = _ => ".vartrack",
    };

    public static readonly Option<string?> Connection = new("--state-connection")
    {
        Description = $"Azure Storage connection string of shared state (default: ${ConnectionVariable}).",
    };

    /// <summary>
    /// A <c>--state</c> folder given explicitly must exist: a mistyped path would otherwise read as empty state ("no
    /// notifications") and hide the real one. The default folder may be missing (nothing recorded yet), and a command
    /// that writes state (<paramref name="createsState"/>: <c>vt vault sync</c> and <c>vt vault check</c>) creates it.
    /// </summary>
    public static StateLocation Location(CliContext context, ParseResult parse, bool createsState = false)
    {
        var folder = Path.GetFullPath(parse.GetValue(Directory)!, context.WorkingDirectory);
        var connection = parse.GetValue(Connection) ?? Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!createsState && connection is null && parse.GetResult(Directory) is { Implicit: false } && !System.IO.Directory.Exists(folder))
            throw new UsageException($"state folder '{parse.GetValue(Directory)}' does not exist (--state names the folder the server uses)");
        return new(folder, connection);
    }
}
