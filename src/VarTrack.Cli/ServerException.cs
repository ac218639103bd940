namespace VarTrack.Cli;

/// <summary>A VarTrack server could not be reached or refused a request: one line on stderr and the given exit code.</summary>
internal sealed class ServerException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The HTTP status the server answered with, if it answered.</summary>
    public int? Status { get; init; }
}
