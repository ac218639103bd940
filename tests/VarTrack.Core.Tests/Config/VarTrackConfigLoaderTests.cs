using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Config;

public sealed class VarTrackConfigLoaderTests : IDisposable
{
    private const string File = "vartrack.yaml";
    private readonly string _folder = Directory.CreateTempSubdirectory("vartrack-config-").FullName;

    public VarTrackConfigLoaderTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "schemas"));
        Directory.CreateDirectory(Path.Combine(_folder, "certs"));
        System.IO.File.WriteAllText(Path.Combine(_folder, "schemas", "app.json"), "{}");
        System.IO.File.WriteAllText(Path.Combine(_folder, "schemas", "acme.json"), "{}");
        System.IO.File.WriteAllText(Path.Combine(_folder, "certs", "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private VarTrackConfig Load(string yaml) => VarTrackConfigLoader.Parse(yaml, File, _folder);

    private IReadOnlyList<Problem> Fails(string yaml)
    {
        var ex = Assert.Throws<VarTrackException>(() => Load(yaml));
        Assert.All(ex.Problems, p => Assert.Equal(File, p.File));
        return ex.Problems;
    }

    private Problem FailsOnce(string yaml) => Assert.Single(Fails(yaml));

    private const string FullConfig = """
        version: 1
        vault:
          address: https://vault.example.com:8200
          namespace: team-a
          timeout: 5s
          auth:
            method: approle
            role_id: ${VAULT_ROLE_ID}
            secret_id: ${VAULT_SECRET_ID}
            mount: approle-ci
          tls:
            ca_cert: certs/ca.pem
            skip_verify: false
        webhooks:
          github:
            secret: ${GITHUB_WEBHOOK_SECRET}
          gitlab:
            secret: "@secret(kv/vartrack/webhooks#gitlab)"
        tenants:
          acme:
            schema: schemas/acme.json
          globex: {}
        sinks:
          cache:
            type: redis
            destination: "config:{tenant}:{env}"
            connection: "@secret(kv/redis#url)"
            mode: hash
            ttl: 1h30m
            database: 2
          zk:
            type: zookeeper
            destination: /config/{env}
            connection: zk1:2181,zk2:2181
            mode: path
            session_timeout: 30s
          docs:
            type: mongodb
            destination: "{rule}"
            connection: mongodb://${MONGO_HOST}/$${literal}
            database: config
            collection: settings
          bucket:
            type: s3
            destination: "{env}/{file}"
            bucket: my-bucket
            region: eu-west-1
            path_style: true
            access_key: "@secret(kv/aws#access_key)"
            secret_key: "@secret(kv/aws#secret_key)"
            mode: per_key
          blob:
            type: azure_blob
            destination: "{env}.json"
            connection: "@secret(kv/azure#conn)"
            container: config
          envfile:
            type: file
            destination: /etc/app/{env}.env
            format: env
            host: app1.internal
            port: 22
            user: deploy
            private_key: "@secret(kv/ssh#key)"
            backup: true
          cm:
            type: kubernetes_configmap
            destination: app-config
            namespace: apps
            labels:
              team: platform
              tier: "1"
        rules:
          - name: app
            tenant: acme
            platform: github
            repositories: ["org/*"]
            files: ["configs/**/*.yaml", "app.yml"]
            format: yaml
            root_key: settings
            environments: [dev, staging, prod]
            environment:
              branch_map:
                "release/*": staging
                main: prod
              tags: false
              pull_requests: true
              branch_name: false
              file_path_map:
                "configs/prod/**": prod
              default: dev
            separator: ":"
            variables_map:
              DB_HOST: db:host
              APP_ENV: "{env}"
              PORT: {from: "db:port"}
              REGION: {value: eu-west-1}
            schema: schemas/app.json
            sinks: [cache, zk]
            strategy: live_state
            prune: true
            protect: ["SYSTEM_*", "LOCK:**"]
            drift:
              enabled: true
              interval: 5m
              self_heal: true
          - name: minimal
            root_key: ~
        """;

    [Fact]
    public void A_full_config_binds_every_setting()
    {
        var config = Load(FullConfig);
        Assert.Equal(_folder, config.BaseDirectory);

        var vault = Assert.IsType<VaultSettings>(config.Vault);
        Assert.Equal("https://vault.example.com:8200", vault.Address.Raw);
        Assert.Equal("team-a", vault.Namespace!.Raw);
        Assert.Equal(TimeSpan.FromSeconds(5), vault.Timeout);
        Assert.Equal("approle", vault.AuthMethod);
        Assert.Equal(["VAULT_ROLE_ID"], vault.RoleId!.EnvironmentVariables);
        Assert.Equal("${VAULT_SECRET_ID}", vault.SecretId!.Raw);
        Assert.Equal("approle-ci", vault.AppRoleMount);
        Assert.Null(vault.Token);
        Assert.Equal("certs/ca.pem", vault.CaCertificate);
        Assert.False(vault.SkipTlsVerify);

        Assert.Equal(["github", "gitlab"], config.WebhookSecrets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["GITHUB_WEBHOOK_SECRET"], config.WebhookSecrets["github"].EnvironmentVariables);
        Assert.Equal(new SecretReference("kv/vartrack/webhooks", "gitlab"), config.WebhookSecrets["gitlab"].Secret);

        Assert.Equal("schemas/acme.json", config.Tenants["acme"].Schema);
        Assert.Null(config.Tenants["globex"].Schema);

        Assert.Equal(["blob", "bucket", "cache", "cm", "docs", "envfile", "zk"], config.Sinks.Keys.Order(StringComparer.Ordinal));
        var cache = config.Sinks["cache"];
        Assert.Equal("redis", cache.Type);
        Assert.Equal("config:{tenant}:{env}", cache.Destination.Template);
        Assert.Equal(["tenant", "env"], cache.Destination.Placeholders);
        Assert.Equal(new SecretReference("kv/redis", "url"), cache.Setting("connection")!.Secret);
        Assert.Equal("hash", cache.Setting("mode")!.Raw);
        Assert.Equal("1h30m", cache.Setting("ttl")!.Raw);
        Assert.Equal("2", cache.Setting("database")!.Raw);
        Assert.Null(cache.Setting("nothing"));
        Assert.Equal(new SourcePosition(24, 3), cache.Position);

        Assert.Equal("zk1:2181,zk2:2181", config.Sinks["zk"].Setting("connection")!.Raw);
        Assert.Null(config.Sinks["zk"].Setting("connection")!.Secret);
        Assert.Equal(["MONGO_HOST"], config.Sinks["docs"].Setting("connection")!.EnvironmentVariables);
        Assert.Equal("true", config.Sinks["bucket"].Setting("path_style")!.Raw);
        Assert.Equal(new SecretReference("kv/aws", "secret_key"), config.Sinks["bucket"].Setting("secret_key")!.Secret);
        Assert.Equal("config", config.Sinks["blob"].Setting("container")!.Raw);
        Assert.Equal("22", config.Sinks["envfile"].Setting("port")!.Raw);
        Assert.Equal("env", config.Sinks["envfile"].Setting("format")!.Raw);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "platform", ["tier"] = "1" }, config.Sinks["cm"].Labels);
        Assert.Equal("apps", config.Sinks["cm"].Setting("namespace")!.Raw);

        Assert.Equal(2, config.Rules.Count);
        var app = config.Rules[0];
        Assert.Equal("app", app.Name);
        Assert.Equal("acme", app.Tenant);
        Assert.Equal("github", app.Platform);
        Assert.True(app.TracksRepository("org/repo"));
        Assert.False(app.TracksRepository("other/repo"));
        Assert.True(app.TracksFile("configs/prod/eu/app.yaml"));
        Assert.True(app.TracksFile("app.yml"));
        Assert.False(app.TracksFile("configs/app.json"));
        Assert.Equal(ConfigFormat.Yaml, app.Format);
        Assert.Equal("settings", app.RootKey);
        Assert.True(app.RootKeyRequired);
        Assert.Equal(["dev", "staging", "prod"], app.Environments);
        Assert.Equal(":", app.Separator);
        Assert.Equal("schemas/app.json", app.Schema);
        Assert.Equal(["cache", "zk"], app.Sinks);
        Assert.Equal(SyncStrategy.LiveState, app.Strategy);
        Assert.True(app.Prune);
        Assert.Equal(["SYSTEM_*", "LOCK:**"], app.Protect.Select(g => g.Pattern));
        Assert.All(app.Protect, g => Assert.Equal(':', g.Separator));
        Assert.True(app.Protect[1].IsMatch("LOCK:a:b"));
        Assert.Equal(new DriftSettings(true, TimeSpan.FromMinutes(5), true), app.Drift);

        var resolution = app.Environment;
        // Exact names come first, globs keep their written order.
        Assert.Equal([("main", "prod"), ("release/*", "staging")], resolution.BranchMap.Select(m => (m.Pattern.Pattern, m.Environment)));
        Assert.False(resolution.Tags);
        Assert.True(resolution.PullRequests);
        Assert.False(resolution.BranchName);
        Assert.Equal([("configs/prod/**", "prod")], resolution.FilePathMap.Select(m => (m.Pattern.Pattern, m.Environment)));
        Assert.Equal("dev", resolution.Default);

        Assert.Equal(4, app.Variables.Count);
        var dbHost = app.Variables[0];
        Assert.Equal(("DB_HOST", "db:host", true), (dbHost.Target, dbHost.From, dbHost.IsShorthand));
        var appEnv = app.Variables[1];
        Assert.Equal(("APP_ENV", (string?)null, true), (appEnv.Target, appEnv.From, appEnv.IsShorthand));
        Assert.Equal("{env}", appEnv.Value!.Template);
        var port = app.Variables[2];
        Assert.Equal(("PORT", "db:port", false), (port.Target, port.From, port.IsShorthand));
        Assert.Null(port.Value);
        var region = app.Variables[3];
        Assert.Equal(("REGION", (string?)null, false), (region.Target, region.From, region.IsShorthand));
        Assert.Equal("eu-west-1", region.Value!.Template);

        var minimal = config.Rules[1];
        Assert.Null(minimal.RootKey);
        Assert.False(minimal.RootKeyRequired);
        Assert.Equal(RuleDefinition.DefaultEnvironments, minimal.Environments);
        Assert.Equal(".", minimal.Separator);
        Assert.Equal(SyncStrategy.Auto, minimal.Strategy);
        Assert.False(minimal.Prune);
        Assert.Equal(DriftSettings.Default, minimal.Drift);
        Assert.Empty(minimal.Sinks);
        Assert.Null(minimal.Format);
        Assert.True(minimal.TracksFile("anything/at/all.json"));
        Assert.True(minimal.Environment.Tags);
        Assert.True(minimal.Environment.BranchName);
        Assert.Equal("default", minimal.Environment.Default);
    }

    [Fact]
    public void An_empty_config_is_valid_and_empty()
    {
        var config = Load("");
        Assert.Empty(config.Rules);
        Assert.Empty(config.Sinks);
        Assert.Null(config.Vault);
    }

    [Fact]
    public void Root_key_defaults_to_vartrack_and_is_not_required()
    {
        var rule = Assert.Single(Load("rules:\n  - name: a\n").Rules);
        Assert.Equal("vartrack", rule.RootKey);
        Assert.False(rule.RootKeyRequired);
    }

    private const string BrokenConfig = """
        version: 2
        sink:
          x: 1
        vault:
          address: "@secret(kv/vault#addr)"
          auth:
            method: token
            token: ${VAULT TOKEN}
        sinks:
          cache:
            type: redis
            destination: "config:{tenant}:{envv}"
            connection: redis://localhost
            ttl: 5 minutes
            databse: 1
          weird:
            type: memcached
            destination: x
          files:
            type: file
            destination: /etc/app.env
        rules:
          - name: app
            sinks: [files, nope]
            files: ["configs/[prod"]
            prunne: true
            environments: [dev, "bad env"]
            schema: schemas/missing.json
            strategy: sometimes
          - name: app
            prune: maybe
            repositories: {a: 1}
            drift:
              interval: soon
        """;

    [Fact]
    public void Every_problem_is_reported_at_once_with_line_and_column()
    {
        var problems = Fails(BrokenConfig);
        var found = problems.Select(p => $"{p.Position}: {p.Message}").ToList();
        string[] expected =
        [
            "1:10: unsupported config version '2'; this VarTrack reads version 1",
            "2:1: unknown key 'sink' in vartrack.yaml; did you mean 'sinks'?",
            "5:12: 'address' of 'vault' cannot be a secret reference (it is needed to reach the secret store; use ${ENV_VAR})",
            "8:12: 'token' of 'auth' of 'vault' has a malformed environment reference; write ${NAME} with letters, digits and '_'",
            "12:18: 'destination' of sink 'cache': unknown placeholder '{envv}'; known: {tenant}, {env}, {rule}, {branch}, {file}, {repository}",
            "14:10: 'ttl' in sink 'cache' must be a duration such as 30s, 5m or 1h, found '5 minutes'",
            "15:5: unknown key 'databse' in sink 'cache'; did you mean 'database'?",
            "17:11: sink 'weird' has unknown type 'memcached' (known: redis, zookeeper, mongodb, s3, azure_blob, file, kubernetes_configmap)",
            "20:5: sink 'files' (type file) needs 'format'",
            "24:20: rule 'app' names sink 'nope', which is not defined under 'sinks' (defined: cache, weird, files)",
            "25:13: bad glob 'configs/[prod' in 'files' of rule 'app': unclosed '[' at character 9",
            "26:5: unknown key 'prunne' in rule 'app'; did you mean 'prune'?",
            "27:25: environment name 'bad env' in rule 'app' is invalid: " + EnvironmentName.Rule,
            "28:13: 'schema' names 'schemas/missing.json', which does not exist (paths are relative to vartrack.yaml)",
            "29:15: 'strategy' in rule 'app' must be one of auto, upsert_all, smart_repair, live_state; found 'sometimes'",
            "30:11: rule name 'app' is used twice (first at 23:5)",
            "31:12: 'prune' in rule 'app' must be true or false, found 'maybe'",
            "32:19: 'repositories' in rule 'app' must be a list, found a mapping",
            "34:17: 'interval' in 'drift' of rule 'app' must be a duration such as 30s, 5m or 1h, found 'soon'",
        ];
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Problems_print_as_file_line_column()
    {
        var ex = Assert.Throws<VarTrackException>(() => Load(BrokenConfig));
        Assert.StartsWith("vartrack.yaml:1:10: unsupported config version '2'", ex.Message);
        Assert.Contains("vartrack.yaml:26:5: unknown key 'prunne' in rule 'app'; did you mean 'prune'?", ex.Message);
        Assert.Equal(ex.Problems.Count, ex.Message.Split(Environment.NewLine).Length);
    }

    [Fact]
    public void An_unknown_key_far_from_every_allowed_one_lists_them()
    {
        var problem = FailsOnce("zzzzzzzz: 1\n");
        Assert.Equal("unknown key 'zzzzzzzz' in vartrack.yaml (allowed: version, vault, webhooks, git, tenants, sinks, rules, nodes, replication, meta, state)", problem.Message);
        Assert.Equal(new SourcePosition(1, 1), problem.Position);
    }

    [Fact]
    public void A_sink_with_an_invalid_setting_still_counts_as_defined_for_rules()
    {
        // Only the placeholder is wrong; the rule naming the sink must not also get "not defined under 'sinks'".
        var problem = FailsOnce("""
            sinks:
              cache:
                type: redis
                destination: "config:{envv}"
                connection: redis://x
            rules:
              - name: app
                sinks: [cache]
            """);
        Assert.Contains("unknown placeholder '{envv}'", problem.Message);
    }

    [Fact]
    public void A_secret_reference_in_a_plain_sink_setting_is_refused_with_the_right_reason()
    {
        var problem = FailsOnce("""
            sinks:
              zk:
                type: zookeeper
                destination: /x
                connection: "@secret(kv/zk#conn)"
            """);
        Assert.Equal(new SourcePosition(5, 17), problem.Position);
        Assert.StartsWith("'connection' of sink 'zk' cannot be a secret reference", problem.Message);
        // The vault's own reason does not apply to a sink setting.
        Assert.DoesNotContain("needed to reach the secret store", problem.Message);
    }

    [Fact]
    public void A_malformed_secret_reference_in_a_secret_setting_is_an_error()
    {
        var problem = FailsOnce("""
            sinks:
              cache:
                type: redis
                destination: x
                connection: "@secret(redis#url)"
            """);
        Assert.Equal("'connection' of sink 'cache': secret path 'redis' must be 'mount/path' (the first segment is the KV v2 mount)", problem.Message);
        Assert.Equal(new SourcePosition(5, 17), problem.Position);
    }

    [Theory]
    [InlineData("redis://${HOST", "unclosed")]
    [InlineData("redis://${}", "empty")]
    [InlineData("redis://${1HOST}", "digit first")]
    [InlineData("redis://${HO-ST}", "dash")]
    public void Bad_environment_references_are_errors(string connection, string why)
    {
        var problem = FailsOnce($"sinks:\n  c:\n    type: redis\n    destination: x\n    connection: \"{connection}\"\n");
        Assert.True(problem.Message.Contains("malformed environment reference", StringComparison.Ordinal), why);
        Assert.Equal(new SourcePosition(5, 17), problem.Position);
    }

    [Fact]
    public void A_literal_dollar_brace_is_not_an_environment_reference()
    {
        var setting = Load("sinks:\n  c:\n    type: redis\n    destination: x\n    connection: \"a$${b}c${D_1}\"\n").Sinks["c"].Setting("connection")!;
        Assert.Equal(["D_1"], setting.EnvironmentVariables);
    }

    [Fact]
    public void Wrong_types_are_reported()
    {
        var problems = Fails("""
            sinks: [a, b]
            rules:
              name: app
            tenants: 5
            """);
        Assert.Equal([
            "1:8: 'sinks' must be a mapping, found a list",
            "3:3: 'rules' must be a list of rules, found a mapping",
            "4:10: 'tenants' must be a mapping, found '5'",
        ], problems.Select(p => $"{p.Position}: {p.Message}"));
    }

    [Fact]
    public void Sink_setting_types_are_checked()
    {
        var problems = Fails("""
            sinks:
              cache:
                type: redis
                destination: x
                connection: y
                database: -1
                mode: list
              bucket:
                type: s3
                destination: x
                bucket: b
                path_style: yes
              cm:
                type: kubernetes_configmap
                destination: x
                namespace: [a]
                labels: {a: [1]}
            """);
        Assert.Equal([
            "6:15: 'database' in sink 'cache' must be a whole number, found '-1'",
            "7:11: 'mode' in sink 'cache' must be one of hash, string, json; found 'list'",
            "12:17: 'path_style' in sink 'bucket' must be true or false, found 'yes'",
            "16:16: 'namespace' in sink 'cm' must be a single value, found a list",
            "17:17: label 'a' of sink 'cm' must be a plain value",
        ], problems.Select(p => $"{p.Position}: {p.Message}"));
    }

    [Fact]
    public void A_sink_without_a_type_or_destination_is_an_error()
    {
        var problems = Fails("sinks:\n  a:\n    destination: x\n  b:\n    type: redis\n    connection: y\n");
        Assert.Equal(["3:5: sink 'a' needs 'type'", "5:5: sink 'b' needs 'destination'"], problems.Select(p => $"{p.Position}: {p.Message}"));
    }

    [Fact]
    public void Bad_sink_names_are_errors()
    {
        var problem = FailsOnce("sinks:\n  \"my sink\":\n    type: zookeeper\n    destination: x\n    connection: y\n");
        Assert.Equal("sink name 'my sink' may use letters, digits, '.', '_' and '-' only", problem.Message);
        Assert.Equal(new SourcePosition(2, 3), problem.Position);
    }

    [Fact]
    public void Environment_settings_are_checked()
    {
        var problems = Fails("""
            rules:
              - name: app
                environments: [dev, default, dev]
                environment:
                  branch_map:
                    "feature/[x": dev
                    main: "not valid"
                  tags: sure
                  default: "-bad"
                  tag: true
            """);
        Assert.Equal([
            "3:25: 'default' is implicit in rule 'app'; do not list it under 'environments'",
            "3:34: environment 'dev' is listed twice in rule 'app'",
            "6:9: bad glob 'feature/[x' in 'branch_map' of 'environment' of rule 'app': unclosed '[' at character 9",
            "7:15: 'branch_map' of 'environment' of rule 'app' maps 'main' to an invalid environment name: " + EnvironmentName.Rule,
            "8:13: 'tags' in 'environment' of rule 'app' must be true or false, found 'sure'",
            "9:16: default environment '-bad' in 'environment' of rule 'app' is invalid: " + EnvironmentName.Rule,
            "10:7: unknown key 'tag' in 'environment' of rule 'app'; did you mean 'tags'?",
        ], problems.Select(p => $"{p.Position}: {p.Message}"));
    }

    [Fact]
    public void Rule_shape_problems_are_reported()
    {
        var problems = Fails("""
            rules:
              - tenant: x
              - name: b
                separator: "::"
                format: jsonc
                platform: svn
                root_key: [a]
                variables_map:
                  A: {from: x, value: y}
                  B: [1]
                  C: "{nope}"
              - just a string
            """);
        Assert.Equal([
            "2:5: a rule needs 'name'",
            "4:16: 'separator' in rule 'b' must be one punctuation character such as '.', ':' or '/'",
            "5:13: unknown format 'jsonc' in rule 'b' (known: " + string.Join(", ", ConfigFormats.Names) + ")",
            "6:15: 'platform' in rule 'b' must be one of github, gitlab, gitea, bitbucket; found 'svn'",
            "7:15: 'root_key' in rule 'b' must be a key name, or null for the whole document",
            "9:10: variable 'A' of rule 'b' needs exactly one of 'from' (rename a key) or 'value' (inject a value)",
            "10:10: variable 'B' of rule 'b' must be a key to rename, a value, or {from: key} / {value: text}",
            "11:10: variable 'C' of rule 'b': unknown placeholder '{nope}'; known: {tenant}, {env}, {rule}, {branch}, {file}, {repository}",
            "12:5: a rule must be a mapping, found 'just a string'",
        ], problems.Select(p => $"{p.Position}: {p.Message}"));
    }

    [Fact]
    public void Tenant_schema_must_exist()
    {
        var problem = FailsOnce("tenants:\n  acme:\n    schema: schemas/none.json\n");
        Assert.Equal("'schema' names 'schemas/none.json', which does not exist (paths are relative to vartrack.yaml)", problem.Message);
        Assert.Equal(new SourcePosition(3, 13), problem.Position);
    }

    [Fact]
    public void Vault_problems_are_reported()
    {
        var problems = Fails("""
            vault:
              address: https://v
              timeout: forever
              auth:
                method: approle
                role_id: x
              tls:
                ca_cert: certs/none.pem
            """);
        Assert.Equal([
            "3:12: 'timeout' in 'vault' must be a duration such as 30s, 5m or 1h, found 'forever'",
            "5:5: 'auth' of 'vault' needs 'secret_id'",
            "8:14: 'ca_cert' names 'certs/none.pem', which does not exist (paths are relative to vartrack.yaml)",
        ], problems.Select(p => $"{p.Position}: {p.Message}"));

        Assert.Equal("'vault' needs 'auth' (method: token with 'token', or method: approle with 'role_id' and 'secret_id')",
            FailsOnce("vault:\n  address: https://v\n").Message);
        Assert.Equal("'auth' of 'vault' cannot be a secret reference (it is needed to reach the secret store; use ${ENV_VAR})".Replace("'auth' of 'vault'", "'token' of 'auth' of 'vault'"),
            FailsOnce("vault:\n  address: https://v\n  auth:\n    token: \"@secret(kv/v#t)\"\n").Message);
    }

    [Fact]
    public void Webhook_problems_are_reported()
    {
        var problems = Fails("webhooks:\n  svn:\n    secret: x\n  github:\n    secret: ~\n  gitlab:\n    secret: \"@secret(bad)\"\n");
        Assert.Equal([
            "2:3: unknown webhook platform 'svn' (known: github, gitlab, gitea, bitbucket)",
            "5:5: webhook 'github' needs 'secret'",
            "7:13: 'secret' of webhook 'gitlab': secret path 'bad' must be 'mount/path' (the first segment is the KV v2 mount)",
        ], problems.Select(p => $"{p.Position}: {p.Message}"));
    }

    [Fact]
    public void Yaml_syntax_errors_in_the_config_are_reported_with_a_position()
    {
        var problem = FailsOnce("rules:\n  - name: a\n  - name: [\n");
        Assert.True(problem.Position.IsKnown);
    }

    [Fact]
    public void A_config_that_is_not_a_mapping_is_an_error()
    {
        Assert.Equal("vartrack.yaml must be a mapping with sinks and rules", FailsOnce("- a\n").Message);
    }

    [Fact]
    public void LoadFile_reads_from_disk_and_names_the_file()
    {
        var path = Path.Combine(_folder, "vartrack.yaml");
        System.IO.File.WriteAllText(path, "rules:\n  - name: a\n    schema: schemas/app.json\n");
        var config = VarTrackConfigLoader.LoadFile(path);
        Assert.Equal(path, config.Path);
        Assert.Equal(_folder, config.BaseDirectory);
        Assert.Equal("a", Assert.Single(config.Rules).Name);

        System.IO.File.WriteAllText(path, "rules:\n  - name: a\n    oops: 1\n");
        var problem = Assert.Single(Assert.Throws<VarTrackException>(() => VarTrackConfigLoader.LoadFile(path)).Problems);
        Assert.Equal("vartrack.yaml", problem.File);
        Assert.Equal(new SourcePosition(3, 5), problem.Position);
    }

    [Fact]
    public void Defaults_has_one_rule_for_any_file()
    {
        var config = VarTrackConfig.Defaults(_folder);
        var rule = Assert.Single(config.Rules);
        Assert.Equal("default", rule.Name);
        Assert.True(rule.TracksFile("x/y.yaml"));
        Assert.Equal(_folder, config.BaseDirectory);
    }

    [Fact]
    public void The_git_section_sets_the_clone_cache_and_credentials_first_match_wins()
    {
        System.IO.File.WriteAllText(Path.Combine(_folder, "deploy_key"), "key");
        var git = Load("""
            git:
              cache_directory: cache/git
              max_repositories: 5
              max_size_mb: 100
              fetch_timeout: 30s
              clone_url: "https://git.example/{repository}.git"
              credentials:
                - repositories: ["acme/*"]
                  token: ${GIT_TOKEN}
                - ssh_key: deploy_key
                  ssh_host_key: "SHA256:abc"
            """).Git;

        Assert.Equal((Path.Combine(_folder, "cache", "git"), 5, 100L * 1024 * 1024, TimeSpan.FromSeconds(30)),
            (git.CacheDirectory, git.MaxRepositories, git.MaxCacheBytes, git.FetchTimeout));
        Assert.Equal("https://git.example/{repository}.git", git.CloneUrl);
        Assert.Equal(["GIT_TOKEN"], git.CredentialFor("acme/app")!.Token!.EnvironmentVariables);
        Assert.Equal((Path.Combine(_folder, "deploy_key"), "SHA256:abc"), (git.CredentialFor("other/x")!.SshKey, git.CredentialFor("other/x")!.SshHostKey));
        Assert.Equal(GitSettings.Default, Load("version: 1\n").Git);
    }

    [Fact]
    public void Bad_git_settings_are_named_with_their_position()
    {
        var problems = Fails("""
            git:
              max_repositories: 0
              clone_url: "https://git.example/acme.git"
              credentials:
                - repositories: ["acme/*"]
                  username: bot
                - ssh_key: missing_key
                  tokn: x
            """).Select(p => $"{p.Position.Line}: {p.Message}").ToList();

        Assert.Equal(
        [
            "2: 'max_repositories' in 'git' must be at least 1",
            "3: 'clone_url' in 'git' must contain {repository}, e.g. https://github.com/{repository}.git",
            "5: the 'git' credential at line 5 needs 'token' (HTTPS) or 'ssh_key' (SSH)",
        ], problems.Take(3));
        Assert.Contains(problems, p => p.StartsWith("7: 'ssh_key' names 'missing_key', which does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("8: unknown key 'tokn'", StringComparison.Ordinal));
    }

    [Fact]
    public void Ssh_known_hosts_is_a_file_relative_to_vartrack_yaml_and_excludes_a_pinned_key()
    {
        System.IO.File.WriteAllText(Path.Combine(_folder, "deploy_key"), "key");
        System.IO.File.WriteAllText(Path.Combine(_folder, "known_hosts"), "");
        var git = Load("""
            git:
              credentials:
                - ssh_key: deploy_key
                  ssh_known_hosts: known_hosts
            """).Git;
        Assert.Equal((Path.Combine(_folder, "known_hosts"), (string?)null), (git.CredentialFor("a/b")!.SshKnownHosts, git.CredentialFor("a/b")!.SshHostKey));

        var problems = Fails("""
            git:
              credentials:
                - ssh_key: deploy_key
                  ssh_known_hosts: missing_known_hosts
                - ssh_key: deploy_key
                  ssh_host_key: any
                  ssh_known_hosts: known_hosts
            """).Select(p => $"{p.Position.Line}: {p.Message}").ToList();

        Assert.Equal(
        [
            "4: 'ssh_known_hosts' names 'missing_known_hosts', which does not exist (paths are relative to vartrack.yaml)",
            "7: the 'git' credential at line 5 has both 'ssh_host_key' and 'ssh_known_hosts'; set one (a pinned key is the only one accepted, known_hosts is then not read)",
        ], problems);
    }
}
