using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VarTrack.Core.Releases;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;

namespace VarTrack.Server;

/// <summary>
/// <c>GET /api/meta/{project}/channels/{channel}</c>: what a server should run, from the meta repository (see
/// <see cref="MetaReadApi"/>). 404 <c>meta_not_configured</c> when vartrack.yaml has no <c>meta:</c> section.
/// <c>GET /api/meta/notifications[?state=failed|pending]</c> and <c>POST /api/meta/notifications/replay</c>: the
/// notification outbox (<see cref="MetaOutbox"/>), behind the API token.
/// </summary>
public static class MetaRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/meta/{project}/channels/{channel}", ChannelAsync);
        app.MapGet("/api/meta/notifications", ListNotificationsAsync);
        app.MapPost("/api/meta/notifications/replay", ReplayNotificationsAsync);
    }

    private static async Task<IResult> ChannelAsync(string project, string channel, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.RequestServices.GetService<MetaReadApi>() is not { } api)
            return NotConfigured();
        var answer = await api.ChannelAsync(project, channel, cancellationToken);
        return Results.Text(answer.ToJson(), "application/json", Encoding.UTF8, answer.StatusCode);
    }

    /// <summary>Needs the API token when one is set (like <c>/api/vault/status</c>): it names subscribers and delivery errors.</summary>
    private static async Task<IResult> ListNotificationsAsync(HttpContext http, IOptions<ServerOptions> options, string? state, CancellationToken cancellationToken)
    {
        if (options.Value.ApiToken is { Length: > 0 } token && !ServerRoutes.HasBearer(http, token))
            return Unauthorized();
        if (http.RequestServices.GetService<MetaOutbox>() is not { } outbox) return NotConfigured();
        if (state is not (null or "" or "failed" or "pending"))
            return Results.BadRequest(new ApiError("bad_state", "state must be 'failed' or 'pending' (or absent for both)"));
        MetaNotificationState? only = state switch
        {
            "failed" => MetaNotificationState.Failed,
            "pending" => MetaNotificationState.Pending,
            _ => null,
        };
        return Results.Json(await outbox.ReadListAsync(only, cancellationToken), StateJson.Options);
    }

    /// <summary>A write, so like <c>POST /api/syncs</c> it needs the API token and answers 403 when none is set.</summary>
    private static async Task<IResult> ReplayNotificationsAsync(HttpContext http, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        if (options.Value.ApiToken is not { Length: > 0 } token)
            return Results.Json(new ApiError("api_disabled", "this server accepts no API writes: set VarTrack:ApiToken"), statusCode: StatusCodes.Status403Forbidden);
        if (!ServerRoutes.HasBearer(http, token)) return Unauthorized();
        if (http.RequestServices.GetService<MetaOutbox>() is not { } outbox) return NotConfigured();

        var body = await BoundedBody.ReadAsync(http.Request.Body, http.Request.ContentLength, 64 * 1024, cancellationToken);
        if (body is null) return Results.Json(new ApiError("payload_too_large", "the body is too large"), statusCode: StatusCodes.Status413PayloadTooLarge);
        MetaReplayRequest? request;
        try
        {
            request = body.Length == 0 ? null : JsonSerializer.Deserialize<MetaReplayRequest>(body, StateJson.Options);
        }
        catch (JsonException ex)
        {
            return Results.BadRequest(new ApiError("malformed_request", $"the body is not the expected JSON: {ex.Message}"));
        }
        if (request is null) return Results.BadRequest(new ApiError("malformed_request", "the body is empty; send {\"delivery_id\": \"mdl-...\"} or {\"all\": true}"));
        if (request.Problem() is { } problem) return Results.BadRequest(new ApiError("malformed_request", problem));

        var results = await outbox.ReplayAsync(request, cancellationToken);
        if (results.FirstOrDefault(r => r.Outcome == MetaReplayOutcome.NotFound) is { } missing)
            return Results.NotFound(new ApiError("unknown_delivery", $"no failed notification with delivery id '{Shorten(missing.DeliveryId)}'"));
        if (!request.All && results.FirstOrDefault(r => r.Outcome == MetaReplayOutcome.Unreadable) is { } corrupt)
            return Results.Json(new ApiError("unreadable_record", $"{MetaOutbox.FailedKey(corrupt.DeliveryId)} is unreadable (not a notification record); nothing replayed"),
                statusCode: StatusCodes.Status422UnprocessableEntity);
        return Results.Json(new MetaReplayAnswer(results), StateJson.Options);
    }

    private static IResult NotConfigured() =>
        Results.Json(new ApiError("meta_not_configured", "this server has no meta: section in its vartrack.yaml"), statusCode: StatusCodes.Status404NotFound);

    private static IResult Unauthorized() =>
        Results.Json(new ApiError("unauthorized", "missing or wrong bearer token"), statusCode: StatusCodes.Status401Unauthorized);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
