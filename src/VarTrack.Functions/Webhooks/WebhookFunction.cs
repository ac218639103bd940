using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using VarTrack.Core.Webhooks;

namespace VarTrack.Functions.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/{platform}</c>: the shared <see cref="WebhookHandler"/> decides (signature, payload, delivery
/// id, rules); a started sync is a Durable orchestration. The answer is the handler's, as on the self-hosted server,
/// plus a <c>Location</c> header naming the status URL of a started sync.
/// </summary>
public sealed class WebhookFunction(WebhookHandlerFactory handlers, WebhookOptions options)
{
    public const string Name = "webhook";

    private const int MaxAddressLength = 64;

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{platform}")] HttpRequest request,
        string platform,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        // Stop reading at the limit; the handler checks the size again.
        var body = await BoundedBody.ReadAsync(request.Body, request.ContentLength, options.MaxPayloadBytes, cancellationToken);
        if (body is null)
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"the body is larger than {options.MaxPayloadBytes} bytes");

        var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
        var handler = handlers.For(new DurableSyncStarter(client));
        var answer = await handler.HandleAsync(new IncomingWebhook(platform, headers, body, RemoteAddress(request)), cancellationToken);
        if (answer.StatusCode == StatusCodes.Status202Accepted && answer.Body.StatusUrl is { } statusUrl)
            request.HttpContext.Response.Headers.Location = statusUrl;
        return ApiResults.Text(answer.ToJson(), answer.StatusCode);
    }

    /// <summary>The caller's address for logs and the delivery record (never trusted): the host proxies the request, so
    /// the connection is the host's and the platform's address is the first X-Forwarded-For entry when there is one.</summary>
    private static string? RemoteAddress(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        var first = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var address = first ?? request.HttpContext.Connection.RemoteIpAddress?.ToString();
        return address is { Length: > MaxAddressLength } ? address[..MaxAddressLength] : address;
    }
}
