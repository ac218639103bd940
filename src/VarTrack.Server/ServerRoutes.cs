using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.Replication;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;

namespace VarTrack.Server;

/// <summary>The HTTP routes; each binds a request to Core and maps the answer, nothing more.</summary>
public static class ServerRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/webhooks/{platform}", WebhookAsync).RequireRateLimiting(ServerApp.WebhookPolicy);
        app.MapGet("/api/syncs/{id}", GetSyncAsync);
        app.MapGet("/api/syncs", ListSyncsAsync);
        app.MapPost("/api/syncs", StartSyncAsync).RequireRateLimiting(ServerApp.WebhookPolicy);
        app.MapGet("/api/status", StatusAsync);
        app.MapGet("/api/vault/status", VaultStatusAsync);
        MetaRoutes.Map(app);
        app.MapGet("/health", (SyncQueue queue, IHostApplicationLifetime life) => life.ApplicationStopping.IsCancellationRequested
            ? Results.Json(new { status = "stopping", running = queue.Running }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "ok", running = queue.Running, queued = queue.Queued }));
        NodeRoutes.Map(app);
    }

    private static async Task<IResult> WebhookAsync(string platform, HttpContext http, WebhookHandler handler, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(http.Request.Body, http.Request.ContentLength, options.Value.MaxPayloadBytes, cancellationToken);
        if (body is null)
            return Results.Json(new ApiError("payload_too_large", $"the body is larger than {options.Value.MaxPayloadBytes} bytes"), statusCode: StatusCodes.Status413PayloadTooLarge);
        var headers = http.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
        try
        {
            var answer = await handler.HandleAsync(new IncomingWebhook(platform, headers, body, http.Connection.RemoteIpAddress?.ToString()), cancellationToken);
            return Results.Text(answer.ToJson(), "application/json", Encoding.UTF8, answer.StatusCode);
        }
        catch (RateLimitedException ex)
        {
            return RateLimited(http, ex);
        }
    }

    /// <summary>Needs the API token when one is set: the errors name Vault addresses and secret paths.</summary>
    private static async Task<IResult> VaultStatusAsync(HttpContext http, IServiceProvider services, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        if (options.Value.ApiToken is { Length: > 0 } token && !HasBearer(http, token))
            return Results.Json(new ApiError("unauthorized", "missing or wrong bearer token"), statusCode: StatusCodes.Status401Unauthorized);
        return services.GetService<ReplicationStatusStore>() is { } status
            ? Results.Json(ReplicationStatusView.From(await status.StatusAsync(cancellationToken)), StateJson.Options)
            : Results.NotFound(new ApiError("not_configured", "vault replication is not configured (no 'replication' section in vartrack.yaml)"));
    }

    private static async Task<IResult> GetSyncAsync(string id, SyncRecordStore records, CancellationToken cancellationToken)
    {
        if (!SyncIds.IsValid(id)) return Results.BadRequest(new ApiError("bad_id", $"'{Shorten(id)}' is not a sync id (sync- followed by 24 hex digits)"));
        return await records.GetAsync(id, cancellationToken) is { } record
            ? Results.Json(record, StateJson.Options)
            : Results.NotFound(new ApiError("not_found", $"no sync {id}"));
    }

    private static async Task<IResult> ListSyncsAsync(SyncRecordStore records, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000) return Results.BadRequest(new ApiError("bad_limit", "limit must be between 1 and 1000"));
        return Results.Json(new { syncs = await records.ListAsync(limit ?? 20, cancellationToken) }, StateJson.Options);
    }

    /// <summary><c>vt sync --server</c>: CI asks the server to sync files of a commit; the server reads them from Git itself.</summary>
    private static async Task<IResult> StartSyncAsync(HttpContext http, ISyncStarter starter, VarTrackConfig config, IOptions<ServerOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (options.Value.ApiToken is not { Length: > 0 } token)
            return Results.Json(new ApiError("api_disabled", "this server accepts no API syncs: set VarTrack:ApiToken"), statusCode: StatusCodes.Status403Forbidden);
        if (!HasBearer(http, token))
            return Results.Json(new ApiError("unauthorized", "missing or wrong bearer token"), statusCode: StatusCodes.Status401Unauthorized);

        var body = await BoundedBody.ReadAsync(http.Request.Body, http.Request.ContentLength, options.Value.MaxPayloadBytes, cancellationToken);
        if (body is null) return Results.Json(new ApiError("payload_too_large", "the body is too large"), statusCode: StatusCodes.Status413PayloadTooLarge);
        SyncApiRequest? input;
        try
        {
            input = JsonSerializer.Deserialize<SyncApiRequest>(body, StateJson.Options);
        }
        catch (JsonException ex)
        {
            return Results.BadRequest(new ApiError("malformed_request", $"the body is not the expected JSON: {ex.Message}"));
        }
        if (input?.Problem(config.Git) is { } problem) return Results.BadRequest(new ApiError("malformed_request", problem));
        if (input is null) return Results.BadRequest(new ApiError("malformed_request", "the body is empty"));

        var request = input.ToSyncRequest(config.Git, time.GetUtcNow());
        try
        {
            await starter.StartAsync(request, cancellationToken);
        }
        catch (RateLimitedException ex)
        {
            return RateLimited(http, ex);
        }
        return Results.Json(new { sync_id = request.SyncId, status_url = $"/api/syncs/{request.SyncId}" }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> StatusAsync(BaselineStore baselines, DriftReportStore drift, CancellationToken cancellationToken)
    {
        var destinations = new List<DestinationStatus>();
        foreach (var baseline in (await baselines.ListAsync(cancellationToken)).OrderBy(b => b.Sink, StringComparer.Ordinal).ThenBy(b => b.Destination, StringComparer.Ordinal))
            destinations.Add(new DestinationStatus(baseline.Sink, baseline.Destination, baseline.Rule, baseline.File, baseline.Environment, baseline.Commit, baseline.AppliedAt,
                baseline.Values.Count, await drift.LoadAsync(baseline.Sink, baseline.Destination, baseline.Rule, baseline.File, cancellationToken)));
        return Results.Json(new { destinations }, StateJson.Options);
    }

    private static IResult RateLimited(HttpContext http, RateLimitedException ex)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new ApiError("rate_limited", ex.Message), statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    /// <summary>Constant-time check of <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    internal static bool HasBearer(HttpContext http, string token)
    {
        var presented = http.Request.Headers.Authorization.ToString();
        return presented.StartsWith("Bearer ", StringComparison.Ordinal) && SecretComparison.Matches(presented["Bearer ".Length..], token);
    }
}
