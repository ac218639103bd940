using Microsoft.Extensions.Logging;
using VarTrack.Core.Config;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Webhooks;

/// <summary>
/// Builds the shared <see cref="WebhookHandler"/> around a sync starter. On Functions the starter wraps the Durable
/// client bound to one invocation, so the handler cannot be a singleton as it is in the self-hosted server.
/// </summary>
public sealed class WebhookHandlerFactory(VarTrackConfig config, IStateStore state, TimeProvider time, WebhookOptions options,
    ILogger<WebhookHandler> logger, ISecretStore? secrets = null, IEnumerable<IPushListener>? listeners = null)
{
    public WebhookHandler For(ISyncStarter starter) =>
        new(config, new SettingResolver(null, secrets), state, starter, time, options, logger, listeners);
}
