using System.Text;
using VarTrack.Core.Releases;

namespace VarTrack.Server;

/// <summary>
/// <c>GET /api/meta/{project}/channels/{channel}</c>: what a server should run, from the meta repository (see
/// <see cref="MetaReadApi"/>). 404 <c>meta_not_configured</c> when vartrack.yaml has no <c>meta:</c> section.
/// </summary>
public static class MetaRoutes
{
    public static void Map(WebApplication app) => app.MapGet("/api/meta/{project}/channels/{channel}", ChannelAsync);

    private static async Task<IResult> ChannelAsync(string project, string channel, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.RequestServices.GetService<MetaReadApi>() is not { } api)
            return Results.Json(new ApiError("meta_not_configured", "this server has no meta: section in its vartrack.yaml"), statusCode: StatusCodes.Status404NotFound);
        var answer = await api.ChannelAsync(project, channel, cancellationToken);
        return Results.Text(answer.ToJson(), "application/json", Encoding.UTF8, answer.StatusCode);
    }
}
