namespace VarTrack.Connectors.Git;

/// <summary>
/// Turns a libgit2 or SSH failure into the reason users read: authentication refused (and whether a credential was
/// tried), repository not found, or libgit2's own text, always scrubbed of the connection's secrets. One place for
/// the clone cache and the meta repository writer.
/// </summary>
internal static class GitFailureReason
{
    public static string Of(Exception error, GitConnection connection, string repository)
    {
        if (connection.Ssh?.Failure is { } sshFailure) return GitUrl.ScrubText(sshFailure, [.. connection.Secrets]);
        var message = GitUrl.ScrubText(error.Message, [.. connection.Secrets]).Trim();
        var lower = message.ToLowerInvariant();
        if (connection.Refused || lower.Contains("401", StringComparison.Ordinal) || lower.Contains("authentication", StringComparison.Ordinal) || lower.Contains("403", StringComparison.Ordinal))
            return connection.HasCredential
                ? "authentication was refused (check the git credential that matches this repository)"
                : $"the server requires authentication, and no entry of git.credentials matches '{repository}'";
        if (lower.Contains("404", StringComparison.Ordinal) || lower.Contains("not found", StringComparison.Ordinal) || lower.Contains("could not find repository", StringComparison.Ordinal)
            || lower.Contains("not a git repository", StringComparison.Ordinal) || lower.Contains("failed to resolve path", StringComparison.Ordinal))
            return $"repository not found ({message})";
        return message.Length == 0 ? error.GetType().Name : message;
    }
}
