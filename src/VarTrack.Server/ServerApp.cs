using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using VarTrack.Connectors;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;

namespace VarTrack.Server;

/// <summary>
/// The self-hosted server: the webhook, sync, status and health routes and the timers, over the same Core workflows
/// and connectors as every host. Default URL <c>http://127.0.0.1:7071</c>.
/// </summary>
public static class ServerApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    public const string WebhookPolicy = "webhooks-per-address";

    public static WebApplication Create(string[] args, Action<ServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        var options = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        configure?.Invoke(options);
        options.StateDirectory = Path.GetFullPath(options.StateDirectory);

        var serverUrl = (builder.Configuration["urls"] ?? DefaultUrl).Split(';')[0];
        var configPath = options.ConfigPath ?? EmbeddedDefault.Prepare(options.StateDirectory, serverUrl);
        var config = VarTrackConfigLoader.LoadFile(configPath);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownGrace + TimeSpan.FromSeconds(10));
        builder.Services.AddVarTrackConnectors(config, state: new StateLocation(options.StateDirectory, options.StateConnection));
        builder.Services.AddSingleton(new RepositoryRateLimiter(options.SyncsPerRepositoryPerMinute));
        builder.Services.AddSingleton<WorkflowHost>();
        builder.Services.AddSingleton<SyncQueue>();
        builder.Services.AddSingleton<ISyncStarter>(sp => sp.GetRequiredService<SyncQueue>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SyncQueue>());
        builder.Services.AddHostedService<DriftWatcher>();
        builder.Services.AddHostedService<VaultReplicationService>();
        builder.Services.AddHostedService<MetaNotifierService>();
        builder.Services.AddSingleton<RetentionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        builder.Services.AddSingleton(new WebhookOptions { MaxPayloadBytes = options.MaxPayloadBytes });
        builder.Services.AddVarTrackCore(config);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(WebhookPolicy, http => RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.WebhooksPerAddressPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsJsonAsync(new ApiError("rate_limited", "too many webhook requests from this address"), ct);
            };
        });

        var app = builder.Build();
        app.UseRateLimiter();
        ServerRoutes.Map(app);
        if (options.ConfigPath is null)
            app.Logger.LogInformation("embedded default: push to {Repository} (repository {Name}); values land in {Output}",
                EmbeddedDefault.RepositoryPath(options.StateDirectory), EmbeddedDefault.Repository, Path.Combine(options.StateDirectory, "out"));
        return app;
    }
}
