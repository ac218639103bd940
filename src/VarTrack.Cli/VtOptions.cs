using System.CommandLine;
using VarTrack.Core.Config;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;

namespace VarTrack.Cli;

/// <summary>The options shared by commands and the one place that turns a command's work into an exit code.</summary>
internal sealed class VtOptions
{
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly string _workingDirectory;
    private readonly Func<VarTrackConfig, ISecretStore?> _secretStores;
    private readonly Func<VarTrackConfig, ISecretStore?, ISinkProvider> _sinkProviders;

    public VtOptions(TextWriter output, TextWriter error, string workingDirectory, Func<VarTrackConfig, ISecretStore?> secretStores,
        Func<VarTrackConfig, ISecretStore?, ISinkProvider> sinkProviders)
    {
        _sinkProviders = sinkProviders;
        _output = output;
        _error = error;
        _workingDirectory = workingDirectory;
        _secretStores = secretStores;
    }

    public Option<string?> Config { get; } = new("--config", "-c") { Description = "Path to vartrack.yaml (default: ./vartrack.yaml, else built-in defaults).", Recursive = true };

    public Option<string> Output { get; } = CreateOutput();

    public Option<string?> Environment { get; } = new("--env", "-e") { Description = "The environment (skips environment resolution)." };

    public Option<string?> Ref { get; } = new("--ref") { Description = "A Git ref to resolve the environment from, e.g. refs/heads/main, refs/tags/v1.2.3, refs/pull/42/head." };

    public Option<string?> Rule { get; } = new("--rule", "-r") { Description = "The rule to apply (default: every rule whose file globs match)." };

    public Option<string[]> Sink { get; } = new("--sink", "-s") { Description = "Only this sink of the rule (repeat for several; default: all of the rule's sinks)." };

    public Option<bool> Json { get; } = new("--json") { Description = "Same as --output json.", Recursive = true };

    public Option<string?> Server { get; } = new("--server") { Description = "A VarTrack server's URL: ask it instead of reading and writing the sinks here." };

    public Option<string?> Token { get; } = new("--token") { Description = $"The server's API token (default: ${ServerContext.TokenVariable}, which keeps it out of the process list)." };

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text", Recursive = true };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    /// <summary>Environment, ref, rule; and for commands that reach sinks, <c>--sink</c>.</summary>
    public void AddSelection(Command command, bool sinks = false)
    {
        if (sinks) command.Add(Sink);
        command.Add(Environment);
        command.Add(Ref);
        command.Add(Rule);
    }

    /// <summary>--server and --token, for commands that can ask a server.</summary>
    public void AddServer(Command command)
    {
        command.Add(Server);
        command.Add(Token);
    }

    /// <summary>Runs a command's work: user errors become one line each on stderr and exit code 1 or 2, never a stack trace.</summary>
    public Task<int> RunAsync(ParseResult parse, Func<CliContext, Task<int>> work) => GuardAsync(async () =>
    {
        var context = new CliContext(_output, _error, _workingDirectory, parse.GetValue(Config), IsJson(parse), _secretStores, _sinkProviders);
        try
        {
            return await work(context);
        }
        finally
        {
            if (context.OpenedSinks is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    });

    /// <summary>Runs a command against the server named by --server (required), with the same error handling.</summary>
    public Task<int> RunServerAsync(ParseResult parse, Func<ServerContext, Task<int>> work) => GuardAsync(async () =>
    {
        var server = parse.GetValue(Server) ?? throw new UsageException("--server URL is required (the VarTrack server to ask)");
        var token = parse.GetValue(Token) ?? System.Environment.GetEnvironmentVariable(ServerContext.TokenVariable);
        using var context = new ServerContext(_output, _error, _workingDirectory, IsJson(parse), ServerClient.Create(server, token));
        return await work(context);
    });

    private bool IsJson(ParseResult parse) => parse.GetValue(Output) == "json" || parse.GetValue(Json);

    private async Task<int> GuardAsync(Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (UsageException ex)
        {
            await _error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (ServerException ex)
        {
            await _error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Core.Errors.VarTrackException ex)
        {
            foreach (var problem in ex.Problems)
                await _error.WriteLineAsync($"error: {problem}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecretStoreException or HttpRequestException or ArgumentException)
        {
            await _error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect, not bad input: still one line (VT_DEBUG=1 prints the stack for bug reports).
            await _error.WriteLineAsync($"error: internal error ({ex.GetType().Name}): {ex.Message}");
            if (System.Environment.GetEnvironmentVariable("VT_DEBUG") == "1") await _error.WriteLineAsync(ex.ToString());
            return ExitCodes.Failure;
        }
    }
}
