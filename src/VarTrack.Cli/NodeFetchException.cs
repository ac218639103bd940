namespace VarTrack.Cli;

/// <summary>Ends <c>vt node fetch</c> with one line on stderr and the exit code an init system acts on (<see cref="ExitCodes"/>).</summary>
internal sealed class NodeFetchException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
