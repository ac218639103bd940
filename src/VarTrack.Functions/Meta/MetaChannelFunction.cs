using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Releases;

namespace VarTrack.Functions.Meta;

/// <summary>
/// <c>GET /api/meta/{project}/channels/{channel}</c>, answering like the self-hosted server: the channel's current
/// release, its binaries per platform, the event and the commit (<see cref="MetaReadApi"/>); 404 <c>meta_not_configured</c>
/// without a <c>meta:</c> section.
/// </summary>
public sealed class MetaChannelFunction(MetaReadApi? api = null)
{
    public const string Name = "meta-channel";

    [Function(Name)]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "meta/{project}/channels/{channel}")] HttpRequest request,
        string project,
        string channel,
        CancellationToken cancellationToken)
    {
        if (api is null) return ApiResults.Error(StatusCodes.Status404NotFound, "meta_not_configured", "this app has no meta: section in its vartrack.yaml");
        var answer = await api.ChannelAsync(project, channel, cancellationToken);
        return ApiResults.Text(answer.ToJson(), answer.StatusCode);
    }
}
