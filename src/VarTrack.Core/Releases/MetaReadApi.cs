using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>GET /api/meta/{project}/channels/{channel}</c> for every host: the branch tip (fetched at most every
/// <c>meta.refresh</c>; a push webhook refreshes it at once) turned into <see cref="MetaChannelView"/>. A repository
/// that cannot be reached is a 502 naming it, never a stale answer presented as current.
/// </summary>
public sealed class MetaReadApi(IMetaRepository repository, MetaSettings settings, ILogger<MetaReadApi>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<MetaApiAnswer> ChannelAsync(string project, string channel, CancellationToken cancellationToken)
    {
        MetaTree tree;
        try
        {
            tree = await repository.ReadTipAsync(settings.Refresh, cancellationToken);
        }
        catch (VarTrackException ex)
        {
            _logger.LogError("meta read API cannot read {Repository}: {Reason}", repository.Name, ex.Message);
            return MetaApiAnswer.Error(502, "meta_unavailable", $"the meta repository '{repository.Name}' cannot be read: {ex.Problems[0].Message}");
        }
        return MetaChannelView.Build(tree, project, channel);
    }
}
