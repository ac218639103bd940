using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;

namespace VarTrack.Core;

/// <summary>Registers the engine once for every host (server, Functions app, CLI).</summary>
public static class VarTrackCoreServiceCollectionExtensions
{
    /// <summary>
    /// The validated config, the file reader, the pipeline (which uses an <see cref="ISecretStore"/> when one is
    /// registered) and the sync executor (over the <see cref="ISinkProvider"/> the connectors register; in-process
    /// destination locks unless a host registers distributed ones first).
    /// </summary>
    public static IServiceCollection AddVarTrackCore(this IServiceCollection services, VarTrackConfig config)
    {
        services.TryAddSingleton(config);
        services.TryAddSingleton(new ConfigFileReader());
        services.TryAddSingleton(sp => new ConfigPipeline(config, sp.GetService<ISecretStore>(), sp.GetRequiredService<ConfigFileReader>()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDestinationLocks, InProcessDestinationLocks>();
        services.TryAddSingleton(sp => new SyncExecutor(sp.GetRequiredService<ISinkProvider>(), sp.GetRequiredService<IDestinationLocks>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ICommitHistory>()));
        return services;
    }
}
