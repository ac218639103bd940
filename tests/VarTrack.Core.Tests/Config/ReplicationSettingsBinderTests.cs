using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;

namespace VarTrack.Core.Tests.Config;

/// <summary>The replication: section of vartrack.yaml: values, defaults, and every bad setting reported with file:line:col.</summary>
public sealed class ReplicationSettingsBinderTests
{
    private const string File = "vartrack.yaml";

    private static VarTrackConfig Load(string yaml) => VarTrackConfigLoader.Parse(yaml, File, Path.GetTempPath());

    private static IReadOnlyList<string> Fails(string yaml) =>
        Assert.Throws<VarTrackException>(() => Load(yaml)).Problems.Select(p => p.ToString()).ToList();

    /// <summary>A valid section with one destination whose lines 11 onwards the tests replace.</summary>
    private static string With(string destination, string top = "") => $"""
        replication:
        {top}
          origin:
            name: primary
            vault: {"{"} address: https://vault.primary:8200, auth: {"{"} token: "${"{"}PRIMARY_TOKEN{"}"}" {"}"} {"}"}
            mounts: [secret]
          destinations:
            - name: eu
              vault: {"{"} address: https://vault.eu:8200, auth: {"{"} token: "${"{"}EU_TOKEN{"}"}" {"}"} {"}"}
        {destination}
        """;

    [Fact]
    public void A_full_section_is_bound_with_every_value()
    {
        var config = Load("""
            version: 1
            replication:
              interval: 30s
              timeout: 2m
              workers: 8
              fan_out: 3
              buckets: 128
              sync_info:
                connection: ${AZURE_STORAGE_CONNECTION}
                container: vault-sync
              origin:
                name: primary
                vault:
                  address: https://vault.primary:8200
                  namespace: team-a
                  auth: { method: approle, role_id: "${ROLE_ID}", secret_id: "${SECRET_ID}" }
                mounts:
                  - secret
                  - { mount: team/kv, prefix: /apps/ }
              destinations:
                - name: eu
                  vault: { address: https://vault.eu:8200, auth: { token: "${EU_TOKEN}" }, timeout: 3s }
                  delete_mode: soft
                  max_delete_ratio: 0.25
                  unmatched: skip
                  transforms:
                    - match: '^secret/stage/(?<app>[^/]+)$'
                      to: 'secret/eu-stage/${app}'
                    - match: '^team/kv/apps/(.+)$'
                      to: 'secret/apps/${1}-$$'
                - name: us-east_2
                  vault: { address: https://vault.us:8200, auth: { token: "${US_TOKEN}" } }
                  mounts: [kv, /team/kv/]
                  delete_mode: destroy
            """);

        var replication = Assert.IsType<ReplicationSettings>(config.Replication);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), 8, 3, 128), (replication.Interval, replication.Timeout, replication.Workers, replication.FanOut, replication.Buckets));
        Assert.Equal(["AZURE_STORAGE_CONNECTION"], replication.SyncInfo.Connection!.EnvironmentVariables);
        Assert.Equal("vault-sync", replication.SyncInfo.Container);

        Assert.Equal(("primary", "origin-primary"), (replication.Origin.Name, replication.Origin.Owner));
        Assert.Equal("https://vault.primary:8200", replication.Origin.Vault.Address.Raw);
        Assert.Equal(("approle", "team-a"), (replication.Origin.Vault.AuthMethod, replication.Origin.Vault.Namespace!.Raw));
        Assert.Equal([new ReplicationMount("secret"), new ReplicationMount("team/kv", "apps")], replication.Origin.Mounts);

        var eu = replication.Destination("eu")!;
        Assert.Equal(("destination-eu", DeleteMode.Soft, 0.25, UnmatchedPaths.Skip), (eu.Owner, eu.DeleteMode, eu.MaxDeleteRatio, eu.Transforms.Unmatched));
        Assert.Equal(["secret", "team/kv"], eu.Mounts);
        Assert.Equal(TimeSpan.FromSeconds(3), eu.Vault.Timeout);
        Assert.Equal(["EU_TOKEN"], eu.Vault.Token!.EnvironmentVariables);
        Assert.Equal("secret/eu-stage/app1", eu.Transforms.Map("secret/stage/app1"));
        Assert.Equal("secret/apps/x/y-$", eu.Transforms.Map("team/kv/apps/x/y"));
        Assert.Null(eu.Transforms.Map("secret/prod/app1"));

        var us = replication.Destination("us-east_2")!;
        Assert.Equal((DeleteMode.Destroy, ReplicationDestination.DefaultMaxDeleteRatio, UnmatchedPaths.Identity), (us.DeleteMode, us.MaxDeleteRatio, us.Transforms.Unmatched));
        Assert.Equal(["kv", "team/kv"], us.Mounts);
        Assert.Equal("secret/prod/app1", us.Transforms.Map("secret/prod/app1"));
    }

    [Fact]
    public void Defaults_apply_and_a_config_without_the_section_has_none()
    {
        var replication = Load(With("      delete_mode: none")).Replication!;

        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), 1, 1, 64), (replication.Interval, replication.Timeout, replication.Workers, replication.FanOut, replication.Buckets));
        Assert.Null(replication.SyncInfo.Connection);
        Assert.Equal("vartrack-vault-sync", replication.SyncInfo.Container);
        var eu = Assert.Single(replication.Destinations);
        Assert.Equal((DeleteMode.None, 0.10, UnmatchedPaths.Identity, 0), (eu.DeleteMode, eu.MaxDeleteRatio, eu.Transforms.Unmatched, eu.Transforms.Rules.Count));
        Assert.Equal(["secret"], eu.Mounts);
        Assert.Null(Load("version: 1\n").Replication);
    }

    [Fact]
    public void The_delete_mode_must_be_written_out()
    {
        Assert.Equal(["vartrack.yaml:8:7: replication destination 'eu' needs 'delete_mode' (soft, destroy or none): how deletes at the origin reach it is never implied"],
            Fails(With("      mounts: [secret]")));
        Assert.Equal(["vartrack.yaml:10:20: 'delete_mode' in replication destination 'eu' must be one of soft, destroy, none; found 'hard'"],
            Fails(With("      delete_mode: hard")));
    }

    [Fact]
    public void A_transform_with_an_invalid_expression_is_reported_at_its_match()
    {
        var problem = Assert.Single(Fails(With("""
                  delete_mode: soft
                  unmatched: skip
                  transforms:
                    - match: '^secret/(?<app[^/]+$'
                      to: 'x/${app}'
            """)));

        Assert.StartsWith("vartrack.yaml:13:18: the transform at line 13 of replication destination 'eu': 'match' is not a valid regular expression: Invalid pattern '^secret/(?<app[^/]+$'", problem);
    }

    [Fact]
    public void A_transform_naming_a_group_its_expression_lacks_is_reported_at_its_to()
    {
        Assert.Equal(["vartrack.yaml:14:15: the transform at line 13 of replication destination 'eu': 'to' uses ${name}, but 'match' has no group named 'name' (its named groups: app)"],
            Fails(With("""
                      delete_mode: soft
                      unmatched: skip
                      transforms:
                        - match: '^secret/(?<app>[^/]+)$'
                          to: 'x/${name}'
                """)));
        Assert.Equal(["vartrack.yaml:14:15: the transform at line 13 of replication destination 'eu': 'to' has an unclosed '${' at character 3; write ${name}, or $$ for a '$'"],
            Fails(With("""
                      delete_mode: soft
                      unmatched: skip
                      transforms:
                        - match: '^secret/(?<app>[^/]+)$'
                          to: 'x/${app'
                """)));
    }

    [Fact]
    public void A_repeated_rule_and_transforms_without_an_explicit_unmatched_are_reported()
    {
        Assert.Equal(
        [
            "vartrack.yaml:11:7: replication destination 'eu' has transforms, so it needs 'unmatched: skip' or 'unmatched: identity' (what happens to paths no rule matches)",
            "vartrack.yaml:14:18: 'match' of the transform at line 14 of replication destination 'eu' repeats the rule at 12:18 ('^a$'); the second could never apply",
        ], Fails(With("""
                  delete_mode: soft
                  transforms:
                    - match: '^a$'
                      to: 'secret/a'
                    - match: '^a$'
                      to: 'secret/b'
            """)));
    }

    [Fact]
    public void Bad_numbers_names_and_keys_are_reported_each_with_its_position()
    {
        Assert.Equal(
        [
            "vartrack.yaml:2:12: 'workers' in 'replication' must be from 1 to 64, found 0",
            "vartrack.yaml:3:12: 'buckets' in 'replication' must be a whole number, found 'many'",
            "vartrack.yaml:4:3: unknown key 'fanout' in 'replication'; did you mean 'fan_out'?",
            "vartrack.yaml:13:25: 'max_delete_ratio' in replication destination 'eu' must be a number from 0 to 1 (0.10 refuses a cycle deleting more than 10% of its paths), found '1.5'",
            "vartrack.yaml:14:7: unknown key 'delete-mode' in replication destination 'eu'; did you mean 'delete_mode'?",
        ], Fails(With("""
                  delete_mode: soft
                  max_delete_ratio: 1.5
                  delete-mode: soft
            """, "  workers: 0\n  buckets: many\n  fanout: 2")));
    }

    [Fact]
    public void Names_must_be_valid_and_distinct_across_origin_and_destinations()
    {
        var problems = Fails("""
            replication:
              origin:
                name: primary
                vault: { address: https://a:8200, auth: { token: "${T}" } }
                mounts: [secret]
              destinations:
                - name: primary
                  vault: { address: https://b:8200, auth: { token: "${T}" } }
                  delete_mode: soft
                - name: eu west
                  vault: { address: https://c:8200, auth: { token: "${T}" } }
                  delete_mode: soft
            """);

        Assert.Equal(
        [
            "vartrack.yaml:7:13: replication name 'primary' is used twice (first at 3:11); the origin and every destination need their own name",
            "vartrack.yaml:10:13: replication name 'eu west' may use letters, digits, '-' and '_' only (at most 80 characters)",
        ], problems);
    }

    [Fact]
    public void Missing_parts_and_bad_vault_sections_are_reported()
    {
        var problems = Fails("""
            replication:
              sync_info: { container: Bad_Container }
              origin:
                name: primary
                vault: { address: https://a:8200, auth: { token: "@secret(kv/x#t)" } }
              destinations:
                - name: eu
                  delete_mode: soft
                  mounts: [secret/../x]
            """);

        Assert.Equal(
        [
            "vartrack.yaml:2:27: 'container' of 'sync_info' of 'replication' must be an Azure Blob container name: 3 to 63 lower-case letters, digits and single hyphens, found 'Bad_Container'",
            "vartrack.yaml:4:5: replication origin 'primary' needs 'mounts' (the KV v2 mounts to replicate, e.g. [secret])",
            "vartrack.yaml:5:54: 'token' of 'auth' of 'vault' of replication origin 'primary' cannot be a secret reference (it is needed to reach the secret store; use ${ENV_VAR})",
            "vartrack.yaml:7:7: replication destination 'eu' needs 'vault' (address and auth of its cluster, shaped like the top-level 'vault' section)",
            "vartrack.yaml:9:16: mount 'secret/../x' in 'mounts' of replication destination 'eu' must be a KV v2 mount path such as 'secret' or 'team/kv'",
        ], problems);
        Assert.Equal(["vartrack.yaml:11:7: 'mounts' of replication destination 'eu' must list at least one mount (or be left out: the origin's mounts)"],
            Fails(With("      delete_mode: soft\n      mounts: []")));
        Assert.Equal(["vartrack.yaml:2:3: 'replication' needs 'origin' (name, vault and mounts of the Vault to replicate from)",
                      "vartrack.yaml:2:3: 'replication' needs 'destinations' (a list of at least one destination)"],
            Fails("replication:\n  workers: 2\n"));
    }
}
