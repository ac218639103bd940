using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;

namespace VarTrack.Core;

/// <summary>Registers the engine once for every host (server, Functions app, CLI).</summary>
public static class VarTrackCoreServiceCollectionExtensions
{
    /// <summary>The validated config, the file reader and the pipeline (which uses an <see cref="ISecretStore"/> when one is registered).</summary>
    public static IServiceCollection AddVarTrackCore(this IServiceCollection services, VarTrackConfig config)
    {
        services.TryAddSingleton(config);
        services.TryAddSingleton(new ConfigFileReader());
        services.TryAddSingleton(sp => new ConfigPipeline(config, sp.GetService<ISecretStore>(), sp.GetRequiredService<ConfigFileReader>()));
        return services;
    }
}
