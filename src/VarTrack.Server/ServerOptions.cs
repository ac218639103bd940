namespace VarTrack.Server;

/// <summary>
/// Host settings (ASP.NET Core configuration section <c>VarTrack</c>: appsettings, <c>VarTrack__Name</c> environment
/// variables or <c>--VarTrack:Name=value</c>). What to sync lives in vartrack.yaml; these say where the host keeps state.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "VarTrack";

    /// <summary>vartrack.yaml to serve; null: the embedded default (a local Git repository and the file sink) in <see cref="StateDirectory"/>.</summary>
    public string? ConfigPath { get; set; }

    /// <summary>Local state (sync records, baselines, snapshots, the clone cache) when no <see cref="StateConnection"/> is set.</summary>
    public string StateDirectory { get; set; } = ".vartrack";

    /// <summary>Azure Storage connection string: state in Blob storage (container <c>vartrack-state</c>), for several instances.</summary>
    public string? StateConnection { get; set; }

    /// <summary>Bearer token for <c>POST /api/syncs</c> (<c>vt sync --server</c>); unset: that route answers 403.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Syncs run at once (each still locks its destinations).</summary>
    public int Workers { get; set; } = 4;

    /// <summary>On shutdown, how long in-flight syncs may finish before they are cancelled (and roll back).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    public long MaxPayloadBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Webhook requests per source address per minute.</summary>
    public int WebhooksPerAddressPerMinute { get; set; } = 120;

    /// <summary>Syncs started per repository per minute.</summary>
    public int SyncsPerRepositoryPerMinute { get; set; } = 60;

    /// <summary>How often the drift watcher looks for rules that are due; null: the shortest rule interval (at most 1 minute).</summary>
    public TimeSpan? DriftTick { get; set; }
}
