using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>Path transforms at destinations: named groups, first match wins, unmatched paths, mounts, and collisions.</summary>
public sealed class ReplicationTransformTests
{
    private static async Task SeedAsync(ReplicationRig rig)
    {
        await rig.WriteAsync("origin", "secret/stage/app1", ("v", "stage-app1"));
        await rig.WriteAsync("origin", "secret/stage/app2", ("v", "stage-app2"));
        await rig.WriteAsync("origin", "secret/stage/team/db", ("v", "stage-team-db"));
        await rig.WriteAsync("origin", "secret/prod/app1", ("v", "prod-app1"));
        await rig.WriteAsync("origin", "secret/shared", ("v", "shared"));
    }

    [Fact]
    public async Task Two_destinations_rename_with_their_own_rules_first_match_wins_and_unmatched_paths_are_skipped_or_kept()
    {
        await using var rig = await ReplicationRig.StartAsync(
            ReplicationRig.Destination("eu", """
                delete_mode: soft
                max_delete_ratio: 0.5
                unmatched: skip
                transforms:
                  - match: '^secret/stage/(?<app>[^/]+)$'
                    to: 'secret/eu-stage/${app}'
                  - match: '^secret/stage/(?<rest>.+)$'
                    to: 'secret/eu-other/${rest}'
                """) +
            ReplicationRig.Destination("us", """
                delete_mode: soft
                mounts: [secret, kv]
                unmatched: identity
                transforms:
                  - match: '^secret/prod/(?<name>.+)$'
                    to: 'kv/us/${name}'
                """),
            "", "[secret]", "eu", "us");
        rig.Destinations["us"].AddMount("kv");
        await SeedAsync(rig);

        var result = await rig.RunAsync();

        var cycles = result.Destinations.ToDictionary(d => d.Owner);
        Assert.Equal((CycleOutcome.Published, 3, 0), (cycles["destination-eu"].Outcome, cycles["destination-eu"].Copied, cycles["destination-eu"].Pending));
        Assert.Equal("stage-app1", (await rig.ReadAsync("eu", "secret/eu-stage/app1"))!["v"]);
        Assert.Equal("stage-app2", (await rig.ReadAsync("eu", "secret/eu-stage/app2"))!["v"]);
        Assert.Equal("stage-team-db", (await rig.ReadAsync("eu", "secret/eu-other/team/db"))!["v"]);
        Assert.Equal(3, rig.Destinations["eu"].SecretCount());

        Assert.Equal((CycleOutcome.Published, 5), (cycles["destination-us"].Outcome, cycles["destination-us"].Copied));
        Assert.Equal("prod-app1", (await rig.ReadAsync("us", "kv/us/app1"))!["v"]);
        Assert.Equal("stage-app1", (await rig.ReadAsync("us", "secret/stage/app1"))!["v"]);
        Assert.Equal("shared", (await rig.ReadAsync("us", "secret/shared"))!["v"]);
        Assert.Null(await rig.MetadataAsync("us", "secret/prod/app1"));

        // Skipped paths are recorded as handled, so the next cycle finds both destinations in sync.
        var again = await rig.RunAsync();
        Assert.All(again.Destinations, d => Assert.Equal(CycleOutcome.Unchanged, d.Outcome));

        // Deleting a renamed secret at the origin deletes its renamed copy.
        await rig.Client("origin").DeleteLatestAsync("secret", "stage/app2");
        var deleted = await rig.RunAsync();
        Assert.Equal(1, deleted.Destinations.Single(d => d.Owner == "destination-eu").Deleted);
        Assert.Null(await rig.ReadAsync("eu", "secret/eu-stage/app2"));
        Assert.Equal("stage-app1", (await rig.ReadAsync("eu", "secret/eu-stage/app1"))!["v"]);
    }

    [Fact]
    public async Task Two_origin_paths_mapping_to_one_destination_path_refuse_the_cycle_naming_both()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", """
            delete_mode: soft
            unmatched: identity
            transforms:
              - match: '^secret/(stage|prod)/(?<app>[^/]+)$'
                to: 'secret/all/${app}'
            """));
        await SeedAsync(rig);

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal(CycleOutcome.Fatal, eu.Outcome);
        Assert.Equal("destination-eu: origin paths 'secret/prod/app1' and 'secret/stage/app1' both map to destination path 'secret/all/app1'; " +
                     "fix the transforms of destination 'eu' (nothing was replicated)", Assert.Single(eu.Errors));
        Assert.Equal(0, rig.Destinations["eu"].DataWrites);
        Assert.Null(await rig.IndexAsync("destination-eu"));
    }

    [Fact]
    public async Task A_rename_through_a_many_to_one_rule_keeps_the_new_copy_instead_of_deleting_it()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", """
            delete_mode: soft
            max_delete_ratio: 1
            unmatched: skip
            transforms:
              - match: '^secret/v[12]/(?<app>[^/]+)$'
                to: 'secret/${app}'
            """));
        await rig.WriteAsync("origin", "secret/v1/app", ("v", "from-v1"));
        Assert.Equal(1, Assert.Single((await rig.RunAsync()).Destinations).Copied);
        // v1/app is removed entirely (metadata and every version) and v2/app created: both map to secret/app.
        await rig.Client("origin").DeleteMetadataAsync("secret", "v1/app");
        await rig.WriteAsync("origin", "secret/v2/app", ("v", "from-v2"));

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal((CycleOutcome.Published, 1, 0), (eu.Outcome, eu.Copied, eu.Deleted));
        Assert.Empty(eu.Errors);
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
        Assert.Equal(new Dictionary<string, string> { ["v"] = "from-v2" }, await rig.ReadAsync("eu", "secret/app"));
        var next = Assert.Single((await rig.RunAsync()).Destinations);
        Assert.Equal(CycleOutcome.Unchanged, next.Outcome);
        Assert.Equal("from-v2", (await rig.ReadAsync("eu", "secret/app"))!["v"]);
    }

    [Fact]
    public async Task A_collision_is_found_over_all_origin_paths_even_when_only_another_bucket_changed()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", """
            delete_mode: soft
            unmatched: identity
            transforms:
              - match: '^secret/alias$'
                to: 'secret/shared'
            """));
        await SeedAsync(rig);
        Assert.Equal(CycleOutcome.Published, Assert.Single((await rig.RunAsync()).Destinations).Outcome);

        // secret/alias lands in some bucket; whichever it is, the clash with secret/shared (elsewhere) is found.
        await rig.WriteAsync("origin", "secret/alias", ("v", "alias"));
        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal(CycleOutcome.Fatal, eu.Outcome);
        Assert.Contains("origin paths 'secret/alias' and 'secret/shared' both map to destination path 'secret/shared'", Assert.Single(eu.Errors));
        Assert.Equal("shared", (await rig.ReadAsync("eu", "secret/shared"))!["v"]);
    }

    [Fact]
    public async Task A_path_mapped_outside_the_destination_mounts_is_a_per_path_error_retried_each_cycle()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", """
            delete_mode: soft
            unmatched: identity
            transforms:
              - match: '^secret/prod/(?<name>.+)$'
                to: 'nowhere/${name}'
            """));
        await SeedAsync(rig);

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal((CycleOutcome.Published, 4, 1), (eu.Outcome, eu.Copied, eu.Pending));
        Assert.Equal("destination-eu: secret/prod/app1 maps to 'nowhere/app1', which is not under any of the destination's mounts (secret); not replicated", Assert.Single(eu.Errors));
        var again = Assert.Single((await rig.RunAsync()).Destinations);
        Assert.Equal((CycleOutcome.Published, 0, 1), (again.Outcome, again.Copied, again.Pending));
    }
}
