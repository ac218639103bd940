using Microsoft.Extensions.Configuration;
using VarTrack.Connectors;
using VarTrack.Core.Config;

namespace VarTrack.Functions;

/// <summary>
/// The app settings the Functions host reads: <c>VARTRACK_CONFIG</c> (vartrack.yaml, relative to the app folder) and
/// where state lives. State documents must be shared by every instance, so they go to Blob storage: the account of
/// <c>VARTRACK_STATE_CONNECTION</c> when set, else <c>AzureWebJobsStorage</c> (the account Durable Functions uses). The
/// Git clone cache is per instance, in the local temp folder.
/// </summary>
public sealed class AppSettings(IConfiguration configuration)
{
    public const string ConfigSetting = "VARTRACK_CONFIG";
    public const string StateConnectionSetting = "VARTRACK_STATE_CONNECTION";
    public const string HostStorageSetting = "AzureWebJobsStorage";

    /// <summary>The admin token of the app's own API (the server's <c>VarTrack:ApiToken</c>): <c>GET /api/nodes</c> takes it besides the bootstrap token.</summary>
    public const string ApiTokenSetting = "VARTRACK_API_TOKEN";

    /// <summary>The admin token, or null when the setting is absent or empty.</summary>
    public string? ApiToken => configuration[ApiTokenSetting] is { Length: > 0 } token ? token : null;

    /// <summary>The full path of vartrack.yaml; a relative setting is resolved against the app folder, not the working directory.</summary>
    public string ConfigPath => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory,
        configuration[ConfigSetting] is { Length: > 0 } path ? path : VarTrackConfig.FileName));

    /// <summary>The clone cache folder and the Blob storage connection string of the state store.</summary>
    public StateLocation State() => new(Path.Combine(Path.GetTempPath(), "vartrack"), StateConnection());

    private string StateConnection()
    {
        if (configuration[StateConnectionSetting] is { Length: > 0 } own) return own;
        if (configuration[HostStorageSetting] is { Length: > 0 } host) return host;
        // Identity-based host storage (AzureWebJobsStorage__accountName / __blobServiceUri) has no connection string,
        // and the state store accepts only connection strings for now.
        var section = configuration.GetSection(HostStorageSetting);
        if (section["accountName"] is not null || section["blobServiceUri"] is not null)
            throw new InvalidOperationException($"{HostStorageSetting} uses an identity-based connection; set {StateConnectionSetting} " +
                                                "to a Blob storage connection string (for example a Key Vault reference) for VarTrack's state");
        throw new InvalidOperationException($"set {HostStorageSetting} (or {StateConnectionSetting}) to a Blob storage connection string for VarTrack's state");
    }
}
