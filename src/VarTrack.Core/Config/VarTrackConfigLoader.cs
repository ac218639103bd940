using System.Text.RegularExpressions;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Secrets;
using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>
/// Loads vartrack.yaml and validates all of it up front: every problem (unknown key, wrong type, a rule naming a sink
/// that does not exist, a bad glob, an unknown placeholder, a missing schema file) is reported at once with
/// file:line:column, in one <see cref="VarTrackException"/>.
/// </summary>
public static partial class VarTrackConfigLoader
{
    private static readonly string[] TopLevelKeys = ["version", "vault", "webhooks", "git", "tenants", "sinks", "rules", "nodes", "replication", "meta", State.StateSettingsBinder.Key];
    private static readonly string[] RuleKeys =
    [
        "name", "tenant", "platform", "repositories", "files", "format", "root_key", "environments", "environment",
        "separator", "variables_map", "schema", "sinks", "strategy", "prune", "protect", "drift",
        RuleDecryptionBinder.Key,
    ];
    private static readonly string[] EnvironmentKeys = ["branch_map", "tags", "pull_requests", "branch_name", "file_path_map", "default"];
    private static readonly string[] DriftKeys = ["enabled", "interval", "self_heal"];
    private static readonly string[] VaultKeys = ["address", "namespace", "auth", "tls", "timeout"];
    private static readonly string[] VaultAuthKeys = ["method", "token", "role_id", "secret_id", "mount"];
    private static readonly string[] VaultTlsKeys = ["ca_cert", "skip_verify"];
    private static readonly string[] GitKeys = ["cache_directory", "max_repositories", "max_size_mb", "fetch_timeout", "clone_url", "credentials", "max_packs"];
    private static readonly string[] GitCredentialKeys = ["repositories", "username", "token", "ssh_key", "ssh_passphrase", "ssh_host_key", "ssh_known_hosts"];
    public static readonly IReadOnlyList<string> Platforms = ["github", "gitlab", "gitea", "bitbucket"];

    private static readonly Dictionary<string, SyncStrategy> Strategies = new()
    {
        ["auto"] = SyncStrategy.Auto,
        ["upsert_all"] = SyncStrategy.UpsertAll,
        ["smart_repair"] = SyncStrategy.SmartRepair,
        ["live_state"] = SyncStrategy.LiveState,
    };

    /// <summary>Loads and validates a vartrack.yaml file.</summary>
    public static VarTrackConfig LoadFile(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var display = System.IO.Path.GetFileName(full);
        var reader = new ConfigFileReader(maxBytes: 4 * 1024 * 1024);
        var root = reader.ReadFile(full, display, ConfigFormat.Yaml);
        return Bind(root, display, System.IO.Path.GetDirectoryName(full)!) with { Path = full };
    }

    /// <summary>Validates config text (used by tests and by hosts that hold the config elsewhere).</summary>
    public static VarTrackConfig Parse(string text, string displayPath, string baseDirectory)
    {
        var root = new YamlFormatParser().Parse(SourceText.FromString(displayPath, text));
        return Bind(root, displayPath, baseDirectory);
    }

    private static VarTrackConfig Bind(ConfigNode root, string file, string baseDirectory)
    {
        var b = new ConfigBinder(file);
        var map = root as ConfigMap;
        if (map is null)
            throw new VarTrackException(Problem.At(file, root.Position, "vartrack.yaml must be a mapping with sinks and rules"));
        b.OnlyKeys(map, "vartrack.yaml", TopLevelKeys);
        var version = b.String(map, "version", "vartrack.yaml");
        if (version is not null and not "1")
            b.Add(map["version"]!.Position, $"unsupported config version '{version}'; this VarTrack reads version 1");

        var sinksMap = b.Map(map["sinks"], "'sinks'");
        var sinks = BindSinks(b, sinksMap);
        var tenants = BindTenants(b, b.Map(map["tenants"], "'tenants'"), baseDirectory);
        // Rules are checked against every declared sink name, so a sink with its own error is not also reported as missing.
        var declaredSinks = sinksMap?.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        var rules = BindRules(b, map, declaredSinks, baseDirectory);
        var webhooks = BindWebhooks(b, b.Map(map["webhooks"], "'webhooks'"));
        var vault = BindVault(b, b.Map(map["vault"], "'vault'"), baseDirectory);
        var git = BindGit(b, b.Map(map["git"], "'git'"), baseDirectory);
        var nodes = NodeSettingsBinder.Bind(b, b.Map(map["nodes"], "'nodes'"), baseDirectory, git);
        var replication = Replication.ReplicationSettingsBinder.Bind(b, b.Map(map["replication"], "'replication'"), baseDirectory);
        var meta = Releases.MetaSettingsBinder.Bind(b, b.Map(map["meta"], "'meta'"), baseDirectory);
        var state = State.StateSettingsBinder.Bind(b, b.Map(map[State.StateSettingsBinder.Key], "'state'"));

        if (b.Problems.Count > 0)
            throw new VarTrackException(b.Problems.OrderBy(p => p.Position.Line).ThenBy(p => p.Position.Column).ToList());
        return new VarTrackConfig
        {
            BaseDirectory = baseDirectory,
            Sinks = sinks,
            Tenants = tenants,
            Rules = rules,
            WebhookSecrets = webhooks,
            Vault = vault,
            Git = git,
            Nodes = nodes,
            Replication = replication,
            Meta = meta,
            State = state,
        };
    }

    private static Dictionary<string, SinkDefinition> BindSinks(ConfigBinder b, ConfigMap? map)
    {
        var sinks = new Dictionary<string, SinkDefinition>(StringComparer.Ordinal);
        if (map is null) return sinks;
        foreach (var entry in map.Entries)
        {
            var what = $"sink '{entry.Key}'";
            if (!NameShape().IsMatch(entry.Key))
                b.Add(entry.KeyPosition, $"sink name '{entry.Key}' may use letters, digits, '.', '_' and '-' only");
            var sink = b.Map(entry.Value, what);
            if (sink is null) continue;
            var type = b.String(sink, "type", what, required: true);
            if (type is null) continue;
            if (!SinkTypes.All.TryGetValue(type, out var specs))
            {
                b.Add(sink["type"]!.Position, $"{what} has unknown type '{type}' (known: {string.Join(", ", SinkTypes.All.Keys)})");
                continue;
            }
            b.OnlyKeys(sink, what, ["type", "destination", .. specs.Select(s => s.Name)]);
            var destination = Template(b, sink, "destination", what, required: true);
            var settings = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var spec in specs)
            {
                if (!sink.TryGetEntry(spec.Name, out var settingEntry) || settingEntry.Value is ConfigScalar { IsNull: true })
                {
                    if (spec.Required) b.Add(sink.Position, $"{what} (type {type}) needs '{spec.Name}'");
                    continue;
                }
                if (spec.Kind == SettingKind.Map)
                {
                    foreach (var label in b.Map(settingEntry.Value, $"'{spec.Name}' of {what}")?.Entries ?? [])
                        if (label.Value is ConfigScalar { IsNull: false } s) labels[label.Key] = s.Text!;
                        else b.Add(label.Value.Position, $"label '{label.Key}' of {what} must be a plain value");
                    continue;
                }
                var ok = spec.Kind switch
                {
                    SettingKind.Integer => b.Integer(sink, spec.Name, what) is not null,
                    SettingKind.Boolean => b.Bool(sink, spec.Name, what) is not null,
                    SettingKind.Duration => b.Duration(sink, spec.Name, what) is not null,
                    SettingKind.Choice => b.Choice(sink, spec.Name, what, spec.Choices!) is not null,
                    _ => b.String(sink, spec.Name, what) is not null,
                };
                if (ok && Setting(b, settingEntry, what, spec.Kind == SettingKind.Secret ? null : "it is not a secret-bearing setting; use ${ENV_VAR} or a literal") is { } setting)
                    settings[spec.Name] = setting;
            }
            if (destination is not null)
                sinks[entry.Key] = new SinkDefinition(entry.Key, type, destination, settings) { Position = entry.KeyPosition, Labels = labels };
        }
        return sinks;
    }

    private static Dictionary<string, TenantDefinition> BindTenants(ConfigBinder b, ConfigMap? map, string baseDirectory)
    {
        var tenants = new Dictionary<string, TenantDefinition>(StringComparer.Ordinal);
        foreach (var entry in map?.Entries ?? [])
        {
            var what = $"tenant '{entry.Key}'";
            var tenant = b.Map(entry.Value, what);
            if (tenant is null) continue;
            b.OnlyKeys(tenant, what, ["schema"]);
            var schema = b.String(tenant, "schema", what);
            CheckFileExists(b, tenant, "schema", schema, baseDirectory);
            tenants[entry.Key] = new TenantDefinition(entry.Key) { Schema = schema };
        }
        return tenants;
    }

    private static List<RuleDefinition> BindRules(ConfigBinder b, ConfigMap map, IReadOnlySet<string> sinks, string baseDirectory)
    {
        var rules = new List<RuleDefinition>();
        if (!map.TryGetEntry("rules", out var rulesEntry)) return rules;
        if (rulesEntry.Value is not ConfigList list)
        {
            b.Add(rulesEntry.Value.Position, $"'rules' must be a list of rules, found {ConfigBinder.Describe(rulesEntry.Value)}");
            return rules;
        }
        var names = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var rule = b.Map(item, "a rule");
            if (rule is null) continue;
            var name = b.String(rule, "name", "a rule", required: true) ?? "?";
            var what = $"rule '{name}'";
            if (name != "?" && !names.TryAdd(name, rule.Position))
                b.Add(rule["name"]!.Position, $"rule name '{name}' is used twice (first at {names[name]})");
            b.OnlyKeys(rule, what, RuleKeys);

            var separator = b.String(rule, "separator", what) ?? ".";
            if (separator.Length != 1 || char.IsLetterOrDigit(separator[0]) || char.IsWhiteSpace(separator[0]))
            {
                b.Add(rule["separator"]!.Position, $"'separator' in {what} must be one punctuation character such as '.', ':' or '/'");
                separator = ".";
            }

            ConfigFormat? format = null;
            if (b.String(rule, "format", what) is { } formatName)
            {
                if (ConfigFormats.TryParseName(formatName, out var f)) format = f;
                else b.Add(rule["format"]!.Position, $"unknown format '{formatName}' in {what} (known: {string.Join(", ", ConfigFormats.Names)})");
            }

            var platform = b.Choice(rule, "platform", what, Platforms);
            var environments = BindEnvironments(b, rule, what);
            var sinkNames = new List<string>();
            foreach (var (sinkName, position) in b.StringList(rule, "sinks", what))
            {
                if (sinks.Contains(sinkName)) sinkNames.Add(sinkName);
                else b.Add(position, $"{what} names sink '{sinkName}', which is not defined under 'sinks'" +
                    (sinks.Count > 0 ? $" (defined: {string.Join(", ", sinks)})" : ""));
            }
            var strategyName = b.Choice(rule, "strategy", what, Strategies.Keys);
            var schema = b.String(rule, "schema", what);
            CheckFileExists(b, rule, "schema", schema, baseDirectory);

            var rootKeyWritten = rule.TryGetEntry("root_key", out var rootKeyEntry);
            var rootKey = rootKeyWritten ? (rootKeyEntry.Value as ConfigScalar)?.Text : RuleDefinition.DefaultRootKey;
            if (rootKeyWritten && rootKeyEntry.Value is not ConfigScalar)
                b.Add(rootKeyEntry.Value.Position, $"'root_key' in {what} must be a key name, or null for the whole document");

            rules.Add(new RuleDefinition(name)
            {
                Position = rule.Position,
                Tenant = b.String(rule, "tenant", what),
                Platform = platform,
                Repositories = b.Globs(rule, "repositories", what, '/'),
                Files = b.Globs(rule, "files", what, '/'),
                Format = format,
                RootKey = string.IsNullOrEmpty(rootKey) ? null : rootKey,
                RootKeyRequired = rootKeyWritten && !string.IsNullOrEmpty(rootKey),
                Environments = environments,
                Environment = BindEnvironmentResolution(b, b.Map(rule["environment"], $"'environment' of {what}"), what),
                Separator = separator,
                Variables = BindVariables(b, b.Map(rule["variables_map"], $"'variables_map' of {what}"), what),
                Schema = schema,
                Sinks = sinkNames,
                Strategy = strategyName is null ? SyncStrategy.Auto : Strategies[strategyName],
                Prune = b.Bool(rule, "prune", what) ?? false,
                Protect = b.Globs(rule, "protect", what, separator[0]),
                Drift = BindDrift(b, b.Map(rule["drift"], $"'drift' of {what}"), what),
                Decryption = RuleDecryptionBinder.Bind(b, rule, what, baseDirectory),
            });
        }
        return rules;
    }

    private static IReadOnlyList<string> BindEnvironments(ConfigBinder b, ConfigMap rule, string what)
    {
        if (!rule.TryGetEntry("environments", out _)) return RuleDefinition.DefaultEnvironments;
        var environments = new List<string>();
        foreach (var (name, position) in b.StringList(rule, "environments", what))
        {
            if (!EnvironmentName.IsValid(name)) b.Add(position, $"environment name '{name}' in {what} is invalid: {EnvironmentName.Rule}");
            else if (name == EnvironmentName.Default) b.Add(position, $"'default' is implicit in {what}; do not list it under 'environments'");
            else if (environments.Contains(name)) b.Add(position, $"environment '{name}' is listed twice in {what}");
            else environments.Add(name);
        }
        return environments;
    }

    private static EnvironmentResolution BindEnvironmentResolution(ConfigBinder b, ConfigMap? map, string rule)
    {
        if (map is null) return new EnvironmentResolution();
        var what = $"'environment' of {rule}";
        b.OnlyKeys(map, what, EnvironmentKeys);
        var defaultEnvironment = b.String(map, "default", what) ?? EnvironmentName.Default;
        if (!EnvironmentName.IsValid(defaultEnvironment))
            b.Add(map["default"]!.Position, $"default environment '{defaultEnvironment}' in {what} is invalid: {EnvironmentName.Rule}");
        return new EnvironmentResolution
        {
            BranchMap = PatternMap(b, map, "branch_map", what, exactFirst: true),
            Tags = b.Bool(map, "tags", what) ?? true,
            PullRequests = b.Bool(map, "pull_requests", what) ?? true,
            BranchName = b.Bool(map, "branch_name", what) ?? true,
            FilePathMap = PatternMap(b, map, "file_path_map", what, exactFirst: false),
            Default = defaultEnvironment,
        };
    }

    /// <summary>A map of glob -> environment, in the order written (exact names first for branch_map).</summary>
    private static IReadOnlyList<(Glob, string)> PatternMap(ConfigBinder b, ConfigMap parent, string key, string what, bool exactFirst)
    {
        var map = b.Map(parent[key], $"'{key}' of {what}");
        if (map is null) return [];
        var exact = new List<(Glob, string)>();
        var globs = new List<(Glob, string)>();
        foreach (var entry in map.Entries)
        {
            if (entry.Value is not ConfigScalar { IsNull: false } scalar || !EnvironmentName.IsValid(scalar.Text))
            {
                b.Add(entry.Value.Position, $"'{key}' of {what} maps '{entry.Key}' to an invalid environment name: {EnvironmentName.Rule}");
                continue;
            }
            if (!Glob.TryParse(entry.Key, '/', out var glob, out var error))
            {
                b.Add(entry.KeyPosition, $"bad glob '{entry.Key}' in '{key}' of {what}: {error}");
                continue;
            }
            var isExact = entry.Key.IndexOfAny(['*', '?', '[', '{']) < 0;
            (exactFirst && isExact ? exact : globs).Add((glob!, scalar.Text!));
        }
        return [.. exact, .. globs];
    }

    private static IReadOnlyList<VariableMapping> BindVariables(ConfigBinder b, ConfigMap? map, string rule)
    {
        var variables = new List<VariableMapping>();
        foreach (var entry in map?.Entries ?? [])
        {
            var what = $"variable '{entry.Key}' of {rule}";
            switch (entry.Value)
            {
                case ConfigScalar { IsNull: false } scalar:
                    if (ParseTemplate(b, scalar.Text!, scalar.Position, what) is { } shorthand)
                        variables.Add(new VariableMapping(entry.Key) { Value = shorthand, From = shorthand.HasPlaceholders ? null : scalar.Text, IsShorthand = true });
                    break;
                case ConfigMap form:
                    b.OnlyKeys(form, what, ["from", "value"]);
                    var from = b.String(form, "from", what);
                    var value = b.String(form, "value", what);
                    if ((from is null) == (value is null))
                        b.Add(form.Position, $"{what} needs exactly one of 'from' (rename a key) or 'value' (inject a value)");
                    else if (from is not null)
                        variables.Add(new VariableMapping(entry.Key) { From = from });
                    else if (ParseTemplate(b, value!, form["value"]!.Position, what) is { } template)
                        variables.Add(new VariableMapping(entry.Key) { Value = template });
                    break;
                default:
                    b.Add(entry.Value.Position, $"{what} must be a key to rename, a value, or {{from: key}} / {{value: text}}");
                    break;
            }
        }
        return variables;
    }

    private static DriftSettings BindDrift(ConfigBinder b, ConfigMap? map, string rule)
    {
        if (map is null) return DriftSettings.Default;
        var what = $"'drift' of {rule}";
        b.OnlyKeys(map, what, DriftKeys);
        return new DriftSettings(
            b.Bool(map, "enabled", what) ?? true,
            b.Duration(map, "interval", what) ?? DriftSettings.Default.Interval,
            b.Bool(map, "self_heal", what) ?? false);
    }

    private static Dictionary<string, SettingValue> BindWebhooks(ConfigBinder b, ConfigMap? map)
    {
        var secrets = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
        foreach (var entry in map?.Entries ?? [])
        {
            var what = $"webhook '{entry.Key}'";
            if (!Platforms.Contains(entry.Key))
            {
                b.Add(entry.KeyPosition, $"unknown webhook platform '{entry.Key}' (known: {string.Join(", ", Platforms)})");
                continue;
            }
            var webhook = b.Map(entry.Value, what);
            if (webhook is null) continue;
            b.OnlyKeys(webhook, what, ["secret"]);
            if (SettingOf(b, webhook, "secret", what, required: true, secretRefusal: null) is { } secret)
                secrets[entry.Key] = secret;
        }
        return secrets;
    }

    private static GitSettings BindGit(ConfigBinder b, ConfigMap? map, string baseDirectory)
    {
        if (map is null) return GitSettings.Default;
        const string what = "'git'";
        b.OnlyKeys(map, what, GitKeys);
        var settings = GitSettings.Default;
        if (b.String(map, "cache_directory", what) is { } cache) settings = settings with { CacheDirectory = System.IO.Path.GetFullPath(cache, baseDirectory) };
        if (b.Integer(map, "max_repositories", what) is { } count)
        {
            if (count < 1) b.Add(map["max_repositories"]!.Position, "'max_repositories' in 'git' must be at least 1");
            settings = settings with { MaxRepositories = Math.Max(1, count) };
        }
        if (b.Integer(map, "max_size_mb", what) is { } megabytes)
        {
            if (megabytes < 1) b.Add(map["max_size_mb"]!.Position, "'max_size_mb' in 'git' must be at least 1");
            settings = settings with { MaxCacheBytes = Math.Max(1, megabytes) * 1024L * 1024 };
        }
        if (b.Duration(map, "fetch_timeout", what) is { } timeout) settings = settings with { FetchTimeout = timeout };
        if (b.Integer(map, "max_packs", what) is { } packs)
        {
            if (packs < 2) b.Add(map["max_packs"]!.Position, "'max_packs' in 'git' must be at least 2");
            else settings = settings with { MaxPacks = packs };
        }
        if (b.String(map, "clone_url", what) is { } cloneUrl)
        {
            if (!cloneUrl.Contains("{repository}", StringComparison.Ordinal))
                b.Add(map["clone_url"]!.Position, "'clone_url' in 'git' must contain {repository}, e.g. https://github.com/{repository}.git");
            settings = settings with { CloneUrl = cloneUrl };
        }
        if (!map.TryGetEntry("credentials", out var entry) || entry.Value is ConfigScalar { IsNull: true }) return settings;
        if (entry.Value is not ConfigList list)
        {
            b.Add(entry.Value.Position, $"'credentials' in 'git' must be a list, found {ConfigBinder.Describe(entry.Value)}");
            return settings;
        }
        var credentials = new List<GitCredential>();
        foreach (var item in list.Items)
        {
            var credential = b.Map(item, "a 'git' credential");
            if (credential is null) continue;
            var credentialWhat = $"the 'git' credential at line {credential.Position.Line}";
            b.OnlyKeys(credential, credentialWhat, GitCredentialKeys);
            var sshKey = b.String(credential, "ssh_key", credentialWhat);
            CheckFileExists(b, credential, "ssh_key", sshKey, baseDirectory);
            var token = SettingOf(b, credential, "token", credentialWhat, required: false, secretRefusal: null);
            var knownHosts = b.String(credential, "ssh_known_hosts", credentialWhat);
            CheckFileExists(b, credential, "ssh_known_hosts", knownHosts, baseDirectory);
            var hostKey = b.String(credential, "ssh_host_key", credentialWhat);
            if (knownHosts is not null && hostKey is not null)
                b.Add(credential["ssh_known_hosts"]!.Position, $"{credentialWhat} has both 'ssh_host_key' and 'ssh_known_hosts'; set one (a pinned key is the only one accepted, known_hosts is then not read)");
            if (token is null && sshKey is null)
                b.Add(credential.Position, $"{credentialWhat} needs 'token' (HTTPS) or 'ssh_key' (SSH)");
            credentials.Add(new GitCredential(b.Globs(credential, "repositories", credentialWhat, '/'))
            {
                Username = b.String(credential, "username", credentialWhat),
                Token = token,
                SshKey = sshKey is null ? null : System.IO.Path.GetFullPath(sshKey, baseDirectory),
                SshPassphrase = SettingOf(b, credential, "ssh_passphrase", credentialWhat, required: false, secretRefusal: null),
                SshHostKey = hostKey,
                SshKnownHosts = knownHosts is null ? null : System.IO.Path.GetFullPath(knownHosts, baseDirectory),
            });
        }
        return settings with { Credentials = credentials };
    }

    /// <summary>A Vault connection section: the top-level 'vault', and (with its own <paramref name="what"/>) each cluster of 'replication'.</summary>
    internal static VaultSettings? BindVault(ConfigBinder b, ConfigMap? map, string baseDirectory, string what = "'vault'")
    {
        if (map is null) return null;
        b.OnlyKeys(map, what, VaultKeys);
        var address = SettingOf(b, map, "address", what, required: true, secretRefusal: VaultBootstrap);
        var auth = b.Map(map["auth"], $"'auth' of {what}");
        var tls = b.Map(map["tls"], $"'tls' of {what}");
        var settings = new VaultSettings(address ?? new SettingValue("", map.Position))
        {
            Namespace = SettingOf(b, map, "namespace", what, required: false, secretRefusal: VaultBootstrap),
            Timeout = b.Duration(map, "timeout", what) ?? TimeSpan.FromSeconds(10),
        };
        if (auth is null)
            b.Add(map.Position, $"{what} needs 'auth' (method: token with 'token', or method: approle with 'role_id' and 'secret_id')");
        else
        {
            var authWhat = $"'auth' of {what}";
            b.OnlyKeys(auth, authWhat, VaultAuthKeys);
            var method = b.Choice(auth, "method", authWhat, ["token", "approle"]) ?? "token";
            settings = settings with
            {
                AuthMethod = method,
                Token = SettingOf(b, auth, "token", authWhat, required: method == "token", secretRefusal: VaultBootstrap),
                RoleId = SettingOf(b, auth, "role_id", authWhat, required: method == "approle", secretRefusal: VaultBootstrap),
                SecretId = SettingOf(b, auth, "secret_id", authWhat, required: method == "approle", secretRefusal: VaultBootstrap),
                AppRoleMount = b.String(auth, "mount", authWhat) ?? "approle",
            };
        }
        if (tls is not null)
        {
            var tlsWhat = $"'tls' of {what}";
            b.OnlyKeys(tls, tlsWhat, VaultTlsKeys);
            var ca = b.String(tls, "ca_cert", tlsWhat);
            CheckFileExists(b, tls, "ca_cert", ca, baseDirectory);
            settings = settings with { CaCertificate = ca, SkipTlsVerify = b.Bool(tls, "skip_verify", tlsWhat) ?? false };
        }
        return address is null ? null : settings;
    }

    private const string VaultBootstrap = "it is needed to reach the secret store; use ${ENV_VAR}";

    internal static SettingValue? SettingOf(ConfigBinder b, ConfigMap map, string key, string what, bool required, string? secretRefusal) =>
        b.String(map, key, what, required) is null || !map.TryGetEntry(key, out var entry) ? null : Setting(b, entry, what, secretRefusal);

    /// <summary>Checks a setting's ${ENV} references and @secret(...) form; <paramref name="secretRefusal"/> says why a secret is not allowed (null: allowed).</summary>
    internal static SettingValue? Setting(ConfigBinder b, ConfigEntry entry, string what, string? secretRefusal)
    {
        var text = ((ConfigScalar)entry.Value).Text!;
        var position = entry.Value.Position;
        if (SecretReference.LooksLikeReference(text))
        {
            if (secretRefusal is not null)
            {
                b.Add(position, $"'{entry.Key}' of {what} cannot be a secret reference ({secretRefusal})");
                return null;
            }
            if (!SecretReference.TryParse(text, out var reference, out var error))
            {
                b.Add(position, $"'{entry.Key}' of {what}: {error}");
                return null;
            }
            if (reference!.IsWholeSecret)
            {
                b.Add(position, $"'{entry.Key}' of {what} must name one key of the secret: @secret({reference.Path}#key)");
                return null;
            }
            return new SettingValue(text, position) { Secret = reference };
        }
        var variables = new List<string>();
        for (var i = text.IndexOf("${", StringComparison.Ordinal); i >= 0; i = text.IndexOf("${", i + 2, StringComparison.Ordinal))
        {
            if (i > 0 && text[i - 1] == '$') continue; // $${ is a literal ${
            var close = text.IndexOf('}', i);
            var name = close < 0 ? null : text[(i + 2)..close];
            if (name is null || !EnvVarShape().IsMatch(name))
            {
                b.Add(position, $"'{entry.Key}' of {what} has a malformed environment reference; write ${{NAME}} with letters, digits and '_'");
                return null;
            }
            variables.Add(name);
        }
        return new SettingValue(text, position) { EnvironmentVariables = variables };
    }

    private static TemplateString? Template(ConfigBinder b, ConfigMap map, string key, string what, bool required)
    {
        var text = b.String(map, key, what, required);
        return text is null ? null : ParseTemplate(b, text, map[key]!.Position, $"'{key}' of {what}");
    }

    private static TemplateString? ParseTemplate(ConfigBinder b, string text, SourcePosition position, string what)
    {
        try
        {
            return TemplateString.Parse(text);
        }
        catch (FormatException ex)
        {
            b.Add(position, $"{what}: {ex.Message}");
            return null;
        }
    }

    private static void CheckFileExists(ConfigBinder b, ConfigMap map, string key, string? relative, string baseDirectory)
    {
        if (relative is not null && !File.Exists(System.IO.Path.Combine(baseDirectory, relative)))
            b.Add(map[key]!.Position, $"'{key}' names '{relative}', which does not exist (paths are relative to vartrack.yaml)");
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NameShape();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvVarShape();
}
