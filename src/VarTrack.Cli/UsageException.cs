namespace VarTrack.Cli;

/// <summary>The command was asked for something that cannot apply (unknown rule, missing file): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
