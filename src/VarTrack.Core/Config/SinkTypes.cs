namespace VarTrack.Core.Config;

/// <summary>
/// The sink types and the settings each accepts, so vartrack.yaml is checked up front (unknown setting, missing
/// required one, wrong type). Every sink also has <c>type</c> and <c>destination</c>. The connectors implement them.
/// </summary>
public static class SinkTypes
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<SettingSpec>> All = new Dictionary<string, IReadOnlyList<SettingSpec>>
    {
        ["redis"] =
        [
            new("connection", SettingKind.Secret, Required: true),
            new("mode", SettingKind.Choice, Choices: ["hash", "string", "json"]),
            new("ttl", SettingKind.Duration),
            new("database", SettingKind.Integer),
        ],
        ["zookeeper"] =
        [
            new("connection", SettingKind.Text, Required: true),
            new("mode", SettingKind.Choice, Choices: ["path", "dot"]),
            new("session_timeout", SettingKind.Duration),
            new("acl_user", SettingKind.Text),
            new("acl_password", SettingKind.Secret),
        ],
        ["mongodb"] =
        [
            new("connection", SettingKind.Secret, Required: true),
            new("database", SettingKind.Text, Required: true),
            new("collection", SettingKind.Text, Required: true),
            new("mode", SettingKind.Choice, Choices: ["document", "file"]),
        ],
        ["s3"] =
        [
            new("bucket", SettingKind.Text, Required: true),
            new("region", SettingKind.Text),
            new("endpoint", SettingKind.Text),
            new("path_style", SettingKind.Boolean),
            new("access_key", SettingKind.Secret),
            new("secret_key", SettingKind.Secret),
            new("mode", SettingKind.Choice, Choices: ["object", "per_key"]),
        ],
        ["azure_blob"] =
        [
            new("connection", SettingKind.Secret, Required: true),
            new("container", SettingKind.Text, Required: true),
        ],
        ["file"] =
        [
            new("format", SettingKind.Choice, Required: true, Choices: ["env", "json", "yaml", "properties", "ini"]),
            new("host", SettingKind.Text),
            new("port", SettingKind.Integer),
            new("user", SettingKind.Text),
            new("password", SettingKind.Secret),
            new("private_key", SettingKind.Secret),
            new("host_key", SettingKind.Text),
            new("file_mode", SettingKind.Text),
            new("owner", SettingKind.Text),
            new("backup", SettingKind.Boolean),
        ],
        ["kubernetes_configmap"] =
        [
            new("kubeconfig", SettingKind.Text),
            new("context", SettingKind.Text),
            new("namespace", SettingKind.Text, Required: true),
            new("labels", SettingKind.Map),
        ],
    };
}
