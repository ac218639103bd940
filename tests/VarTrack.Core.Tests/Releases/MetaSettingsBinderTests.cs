using VarTrack.Core.Config;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Tests.Releases;

/// <summary>The <c>meta:</c> section of vartrack.yaml: every setting, and each bad one reported with its line.</summary>
public sealed class MetaSettingsBinderTests
{
    private const string Recipient = "age1k8phnf5xz22snxq32ugyjege29n3w3pfv3y6d6pfu9kpy5p00pks0m64a7";

    private static VarTrackConfig Load(string yaml) => VarTrackConfigLoader.Parse(yaml, "vartrack.yaml", "/etc/vartrack");

    private static IReadOnlyList<string> Problems(string yaml) =>
        Assert.Throws<VarTrackException>(() => Load(yaml)).Problems.Select(p => p.ToString()).ToList();

    [Fact]
    public void Every_setting_is_read()
    {
        var meta = Load($$"""
            meta:
              repository: https://git.example/acme/release-meta.git
              branch: releases
              project: shop
              author: { name: Release Bot, email: bot@example.com }
              writer: ci-7
              cache_directory: cache/meta
              refresh: 30s
              subscribers:
                deploy: { url: "https://deploy.example/hook", secret: "${DEPLOY_SECRET}", projects: ["shop*"] }
                audit: { url: "http://audit.internal/meta", secret: "@secret(kv/meta#audit)" }
              delivery: { attempts: 3, backoff: 2s }
              encryption:
                - paths: ["envs/Prod/**"]
                  recipients: ["{{Recipient}}"]
              identities: ["${AGE_PROD_IDENTITY}"]
            """).Meta!;

        Assert.Equal(("https://git.example/acme/release-meta.git", "acme/release-meta", "releases", "shop"), (meta.Repository, meta.Name, meta.Branch, meta.Project));
        Assert.Equal(("Release Bot", "bot@example.com", "ci-7", "/etc/vartrack/cache/meta"), (meta.AuthorName, meta.AuthorEmail, meta.Writer, meta.CacheDirectory));
        Assert.Equal((TimeSpan.FromSeconds(30), 3, TimeSpan.FromSeconds(2)), (meta.Refresh, meta.DeliveryAttempts, meta.DeliveryBackoff));
        Assert.Equal(["deploy", "audit"], meta.Subscribers.Select(s => s.Name));
        Assert.True(meta.Subscribers[0].Wants("shop-eu"));
        Assert.False(meta.Subscribers[0].Wants("blog"));
        Assert.True(meta.Subscribers[1].Wants("blog"));
        Assert.Equal(["DEPLOY_SECRET"], meta.Subscribers[0].Secret.EnvironmentVariables);
        Assert.NotNull(meta.Subscribers[1].Secret.Secret);
        Assert.True(Assert.Single(meta.Encryption).Matches("envs/Prod/db/app.yaml"));
        Assert.Equal([Recipient], meta.Encryption[0].Recipients);
        Assert.Equal("${AGE_PROD_IDENTITY}", Assert.Single(meta.Identities).Raw);
    }

    [Fact]
    public void Defaults_and_a_local_path_relative_to_the_config()
    {
        var meta = Load("meta: { repository: ../meta.git }").Meta!;

        Assert.Equal(("/etc/meta.git", "etc/meta", "main", null), (meta.Repository, meta.Name, meta.Branch, meta.Project));
        Assert.Equal(("VarTrack", TimeSpan.FromSeconds(10), 8, TimeSpan.FromSeconds(5)), (meta.AuthorName, meta.Refresh, meta.DeliveryAttempts, meta.DeliveryBackoff));
        Assert.Null(Load("rules: []").Meta);
    }

    [Fact]
    public void Bad_settings_are_reported_with_their_line_and_key()
    {
        var problems = Problems("""
            meta:
              repository: https://git.example/acme/meta.git
              brnch: main
              project: Shop
              writer: "a b"
              subscribers:
                deploy: { url: "ftp://x", secret: s }
                nosecret: { url: "https://x" }
              delivery: { attempts: 0 }
              encryption:
                - paths: ["projects/**"]
                  recipients: ["age1short"]
              identities: "${X}"
            """);

        Assert.Equal([
            "vartrack.yaml:3:3: unknown key 'brnch' in 'meta'; did you mean 'branch'?",
            "vartrack.yaml:4:12: 'project' in 'meta': project 'Shop' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            "vartrack.yaml:5:11: 'writer' in 'meta': writer id 'a b' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            "vartrack.yaml:7:20: 'url' of subscriber 'deploy' of 'meta' must be an http or https URL",
            "vartrack.yaml:8:15: subscriber 'nosecret' of 'meta' needs 'secret'",
            "vartrack.yaml:9:25: 'attempts' in 'delivery' of 'meta' must be between 1 and 100",
            "vartrack.yaml:11:14: the 'encryption' entry at line 11: 'projects/**' would encrypt release, binary or event records, which must stay readable for verify; encrypt envs/ and flags/ files only",
            "vartrack.yaml:12:20: the 'encryption' entry at line 11: recipient 'age1short' is not an age public key (age1...)",
            "vartrack.yaml:13:15: 'identities' in 'meta' must be a list, found '${X}'",
        ], problems);
    }

    [Theory]
    [InlineData("**")]
    [InlineData("*/*/releases/**")]
    [InlineData("projects/*/*/*.json")]
    [InlineData("projects/shop/channels/prod/events/*")]
    [InlineData("projects/shop/binaries/1.0/linux-*.json")]
    [InlineData("projects/shop/releases/1.0.json")]
    public void An_encryption_glob_that_matches_a_release_binary_or_event_path_is_refused_at_load(string glob)
    {
        var problems = Problems($$"""
            meta:
              repository: https://git.example/acme/meta.git
              encryption:
                - paths: ["envs/Prod/**", "{{glob}}"]
                  recipients: ["{{Recipient}}"]
            """);

        Assert.Equal([$"vartrack.yaml:4:14: the 'encryption' entry at line 4: '{glob}' would encrypt release, binary or event records, which must stay readable for verify; encrypt envs/ and flags/ files only"],
            problems);
    }

    [Theory]
    [InlineData("projects/*/flags/prod/*")]
    [InlineData("projects/*/flags/*/flags.json")]
    [InlineData("envs/**")]
    public void Encryption_globs_over_flags_and_environment_files_are_accepted(string glob)
    {
        var meta = Load($$"""
            meta:
              repository: https://git.example/acme/meta.git
              encryption:
                - paths: ["{{glob}}"]
                  recipients: ["{{Recipient}}"]
            """).Meta!;

        Assert.Equal(glob, Assert.Single(Assert.Single(meta.Encryption).Paths).Pattern);
    }

    [Fact]
    public void A_meta_section_needs_a_repository()
    {
        Assert.Equal(["vartrack.yaml:1:7: 'meta' needs 'repository'"], Problems("meta: { branch: main }"));
    }
}
