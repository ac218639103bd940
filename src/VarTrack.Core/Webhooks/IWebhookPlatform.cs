namespace VarTrack.Core.Webhooks;

/// <summary>
/// One Git platform's webhook dialect: how a delivery proves it came from the platform, which header names it, and
/// how its payload maps to commits to sync. <see cref="Parse"/> runs only on verified deliveries.
/// </summary>
internal interface IWebhookPlatform
{
    /// <summary>The route and config name: github, gitlab, gitea, bitbucket.</summary>
    string Name { get; }

    /// <summary>The header carrying the signature or token, named in 401 answers.</summary>
    string SignatureHeader { get; }

    /// <summary>The header(s) carrying the delivery id, named in 400 answers.</summary>
    string DeliveryHeader { get; }

    SignatureCheck Verify(IncomingWebhook webhook, string secret);

    /// <summary>The platform's id of this delivery (stable across the platform's retries), or null when none was sent.</summary>
    string? DeliveryId(IncomingWebhook webhook);

    /// <summary>Throws <see cref="MalformedPayloadException"/> for a missing or mistyped field the event needs.</summary>
    WebhookEvent Parse(IncomingWebhook webhook, PayloadNode payload);
}
