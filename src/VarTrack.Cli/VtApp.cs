using System.CommandLine;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;

namespace VarTrack.Cli;

/// <summary>The <c>vt</c> command line. Writers, the secret store and the sink provider are parameters so tests run it in-process.</summary>
public static class VtApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, string workingDirectory, Func<VarTrackConfig, ISecretStore?>? secretStores = null,
        Func<VarTrackConfig, ISecretStore?, ISinkProvider>? sinkProviders = null)
    {
        var options = new VtOptions(output, error, workingDirectory, secretStores ?? SecretStores.FromConfig, sinkProviders ?? DefaultSinks);
        var root = new RootCommand("vt: keep runtime configuration in datastores equal to what is committed in Git.")
        {
            options.Config,
            options.Output,
            options.Json,
            ValidateCommand.Create(options),
            RenderCommand.Create(options),
            PlanCommand.Create(options),
            SyncCommand.Create(options),
            StatusCommand.Create(options),
            SyncsCommand.Create(options),
            NodeCommand.Create(output, error, workingDirectory),
            VaultCommand.Create(options),
            MetaCommand.Create(options),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
                await error.WriteLineAsync($"error: {problem.Message}");
            await error.WriteLineAsync("run 'vt --help' for usage");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static ISinkProvider DefaultSinks(VarTrackConfig config, ISecretStore? secrets) =>
        new SinkProvider(SinkFactories.All(), new SettingResolver(null, secrets), config.BaseDirectory);
}
