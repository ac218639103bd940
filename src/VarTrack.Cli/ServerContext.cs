namespace VarTrack.Cli;

/// <summary>
/// What a command run against a VarTrack server (<c>--server</c>) needs: the writers, the working folder and the
/// client. No vartrack.yaml is loaded: the server's configuration decides rules, environments and sinks.
/// </summary>
internal sealed class ServerContext(TextWriter output, TextWriter error, string workingDirectory, bool json, ServerClient client) : IDisposable
{
    /// <summary>The environment variable read when <c>--token</c> is not given (preferred: it stays out of the process list).</summary>
    public const string TokenVariable = "VT_API_TOKEN";

    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;
    public string WorkingDirectory { get; } = workingDirectory;
    public bool JsonOutput { get; } = json;
    public ServerClient Client { get; } = client;

    /// <summary>The JSON text as the server sent it, with one final newline.</summary>
    public Task WriteJsonAsync(string json) => Output.WriteLineAsync(json.TrimEnd());

    public void Dispose() => Client.Dispose();
}
