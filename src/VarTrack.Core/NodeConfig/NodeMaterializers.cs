using Microsoft.Extensions.Logging;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;
using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>Builds the configured materializer with its wrappers: memory cache in front of the persisted artifacts in front of the built-in materializer.</summary>
public static class NodeMaterializers
{
    /// <param name="git">The Git clone cache; needed only for a <c>repository</c> source.</param>
    /// <param name="state">Where materialized files are persisted so every instance serves the same payload; null: memory only.</param>
    /// <param name="time">When a membership is fixed and a payload persisted (default: the system clock).</param>
    /// <param name="logger">For the clean-up of old persisted payloads.</param>
    public static IMaterializer Create(NodeSettings settings, IGitSource? git, IStateStore? state, TimeProvider? time = null, ILogger? logger = null)
    {
        var inner = Create(settings.Materializer, git);
        var persisted = state is null ? inner : new PersistedMaterializer(inner, state, settings.Deployment, settings.KeepPayloads, time, logger);
        // The fixed membership sits outside the persisted payloads, so they are keyed on the fixed list (one per version).
        var fixedMembership = new FixedMembershipMaterializer(persisted, settings.Materializer, state ?? new InMemoryStateStore(), settings.Deployment, time ?? TimeProvider.System);
        return new CachedMaterializer(fixedMembership);
    }

    public static IMaterializer Create(NodeMaterializerSettings settings, IGitSource? git)
    {
        var source = Source(settings.Source, git);
        return settings.Type switch
        {
            NodeMaterializerType.Template => new TemplateMaterializer(settings, source),
            _ => new PrecomputedMaterializer(settings, source),
        };
    }

    private static INodeFileSource Source(NodeSourceSettings source, IGitSource? git)
    {
        if (!source.IsGit) return new FolderNodeSource(source.Folder!);
        if (git is null)
            throw new VarTrackException(new Problem($"'source' of 'materializer' of 'nodes' reads repository '{source.Repository}', but this host has no Git clone cache"));
        return new GitNodeSource(git, new GitRemote(source.Repository!, source.CloneUrl!), source.Commit!, source.Ref, source.Path);
    }
}
