using System.Security.Cryptography;
using LibGit2Sharp;

namespace VarTrack.Server;

/// <summary>
/// What the server runs on when no vartrack.yaml is given: everything in the state folder. A bare Git repository
/// (<c>repos/local/config.git</c>, repository name <c>local/config</c>) whose post-receive hook delivers a signed
/// GitHub-style push webhook to this server, a generated webhook secret (owner-only file), and a config with one rule
/// syncing every YAML/JSON/TOML/.env file of that repository into the file sink (<c>out/{env}/{rule}.env</c>),
/// with prune and a self-healing drift watch (every 2 s, so a demo shows it). When <c>VT_REDIS</c> / <c>VT_ZOOKEEPER</c>
/// are set (scripts/services.sh env), a Redis hash and a ZooKeeper tree are written too.
/// </summary>
public static class EmbeddedDefault
{
    public const string Repository = "local/config";

    public static string RepositoryPath(string stateDirectory) => Path.Combine(stateDirectory, "repos", "local", "config.git");

    public static string SecretPath(string stateDirectory) => Path.Combine(stateDirectory, "webhook-secret");

    /// <summary>Creates what is missing and (re)writes the hook for <paramref name="serverUrl"/>; returns the config path.</summary>
    public static string Prepare(string stateDirectory, string serverUrl)
    {
        Directory.CreateDirectory(stateDirectory);
        var secretPath = SecretPath(stateDirectory);
        if (!File.Exists(secretPath)) WriteOwnerOnly(secretPath, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        var secret = File.ReadAllText(secretPath).Trim();

        foreach (var environment in (string[])["development", "staging", "production"])
            Directory.CreateDirectory(Path.Combine(stateDirectory, "out", environment));

        var repository = RepositoryPath(stateDirectory);
        if (!Directory.Exists(repository)) LibGit2Sharp.Repository.Init(repository, isBare: true);
        var hook = Path.Combine(repository, "hooks", "post-receive");
        File.WriteAllText(hook, HookScript(serverUrl.TrimEnd('/'), secretPath, repository));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Redis and ZooKeeper join the file sink when scripts/services.sh has exported where they listen.
        var extraSinks = new List<string>();
        var sinkNames = new List<string> { "files" };
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("VT_REDIS")))
        {
            extraSinks.Add("""  cache: { type: redis, connection: "${VT_REDIS}", mode: hash, destination: "vartrack:{env}:{rule}" }""");
            sinkNames.Add("cache");
        }
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("VT_ZOOKEEPER")))
        {
            extraSinks.Add("""  coordination: { type: zookeeper, connection: "${VT_ZOOKEEPER}", destination: "/vartrack/{env}/{rule}" }""");
            sinkNames.Add("coordination");
        }
        var config = Path.Combine(stateDirectory, "vartrack.yaml");
        WriteOwnerOnly(config, $$"""
            # The embedded default, written by vartrack-server at start (edits are overwritten; pass --VarTrack:ConfigPath to use your own).
            version: 1
            webhooks:
              github:
                secret: "{{secret}}"
            sinks:
              files:
                type: file
                format: env
                destination: "out/{env}/{rule}.env"
            {{string.Join("\n", extraSinks)}}
            rules:
              - name: config
                platform: github
                repositories: ["{{Repository}}"]
                files: ["**/*.yaml", "**/*.yml", "**/*.json", "**/*.toml", "**/*.env"]
                root_key: null
                environment:
                  branch_map:
                    main: production
                    "release/*": staging
                  default: development
                sinks: [{{string.Join(", ", sinkNames)}}]
                prune: true
                drift: { enabled: true, interval: 2s, self_heal: true }
            """);
        return config;
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The post-receive hook: for every pushed ref, a GitHub push payload listing the added, modified and removed
    /// files, signed with HMAC-SHA256 by openssl (not by VarTrack's own code, so the server's verification is checked
    /// against an independent signer) and posted with curl.
    /// </summary>
    private static string HookScript(string serverUrl, string secretPath, string repositoryPath) => $$$"""
        #!/bin/sh
        # Written by vartrack-server: delivers a signed GitHub-style push webhook for every pushed ref.
        url='{{{serverUrl}}}/api/webhooks/github'
        secret_file='{{{secretPath}}}'
        clone_url='{{{repositoryPath}}}'
        zero=0000000000000000000000000000000000000000
        json_list() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/.*/"&"/' | paste -sd, -; }
        while read -r old new ref; do
          [ "$new" = "$zero" ] && continue
          commit=$(git rev-parse "$new^{commit}")   # an annotated tag names its tag object; payloads name the commit
          if [ "$old" = "$zero" ]; then
            added=$(git ls-tree -r --name-only "$new" | json_list); modified=''; removed=''
          else
            added=$(git diff --no-renames --name-only --diff-filter=A "$old" "$new" | json_list)
            modified=$(git diff --no-renames --name-only --diff-filter=MT "$old" "$new" | json_list)
            removed=$(git diff --no-renames --name-only --diff-filter=D "$old" "$new" | json_list)
          fi
          body=$(printf '{"ref":"%s","before":"%s","after":"%s","deleted":false,"repository":{"full_name":"{{{Repository}}}","clone_url":"%s"},"commits":[{"id":"%s","added":[%s],"modified":[%s],"removed":[%s]}],"head_commit":{"id":"%s"}}' \
            "$ref" "$old" "$new" "$clone_url" "$commit" "$added" "$modified" "$removed" "$commit")
          signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$(cat "$secret_file")" | sed 's/^.*= //')
          delivery=$(cat /proc/sys/kernel/random/uuid)
          echo "vartrack: delivering push of $ref ($new) to $url"
          curl -sS -m 10 -X POST -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \
            -H "X-GitHub-Delivery: $delivery" -H "X-Hub-Signature-256: sha256=$signature" --data-binary "$body" "$url"
          echo
        done
        """;
}
