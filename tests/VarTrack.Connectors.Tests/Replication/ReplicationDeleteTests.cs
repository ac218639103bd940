using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>Deletes at the origin reaching destinations per delete mode, undelete, destroy, and the deletion-ratio guard.</summary>
public sealed class ReplicationDeleteTests
{
    private const string Secret = "Marmot-Lantern-6610-do-not-leak";

    private static async Task<ReplicationRig> ThreeModesAsync()
    {
        var rig = await ReplicationRig.StartAsync(
            ReplicationRig.Destination("soft", "delete_mode: soft\nmax_delete_ratio: 0.5") +
            ReplicationRig.Destination("destroy", "delete_mode: destroy\nmax_delete_ratio: 0.5") +
            ReplicationRig.Destination("keep", "delete_mode: none\nmax_delete_ratio: 0.5"),
            "", "[secret]", "soft", "destroy", "keep");
        for (var i = 0; i < 6; i++) await rig.WriteAsync("origin", $"secret/app/s{i}", ("value", $"{Secret}-{i}"));
        var first = await rig.RunAsync();
        Assert.All(first.Destinations, d => Assert.Equal((CycleOutcome.Published, 6), (d.Outcome, d.Copied)));
        return rig;
    }

    [Fact]
    public async Task A_soft_delete_at_the_origin_soft_deletes_destroys_or_leaves_the_copy_per_delete_mode()
    {
        await using var rig = await ThreeModesAsync();
        await rig.Client("origin").DeleteLatestAsync("secret", "app/s1");

        var result = await rig.RunAsync();

        Assert.Equal((CycleOutcome.Published, 1), (result.Origin.Outcome, result.Origin.Changed));
        var cycles = result.Destinations.ToDictionary(d => d.Owner);
        Assert.Equal((CycleOutcome.Published, 1, 0), (cycles["destination-soft"].Outcome, cycles["destination-soft"].Deleted, cycles["destination-soft"].Copied));
        Assert.Equal((CycleOutcome.Published, 1), (cycles["destination-destroy"].Outcome, cycles["destination-destroy"].Deleted));
        Assert.Equal((CycleOutcome.Published, 0), (cycles["destination-keep"].Outcome, cycles["destination-keep"].Deleted));

        // soft: the key is there with its latest version soft-deleted (it can be undeleted at the destination)
        var soft = await rig.MetadataAsync("soft", "secret/app/s1");
        Assert.NotNull(soft);
        Assert.NotNull(soft.Versions[soft.CurrentVersion].DeletionTime);
        Assert.False(soft.Versions[soft.CurrentVersion].Destroyed);
        Assert.Null(await rig.ReadAsync("soft", "secret/app/s1"));
        // destroy: metadata and every version are gone
        Assert.Null(await rig.MetadataAsync("destroy", "secret/app/s1"));
        // none: the copy stays readable
        Assert.Equal($"{Secret}-1", (await rig.ReadAsync("keep", "secret/app/s1"))!["value"]);
        // the others are untouched everywhere
        foreach (var cluster in new[] { "soft", "destroy", "keep" })
            Assert.Equal($"{Secret}-2", (await rig.ReadAsync(cluster, "secret/app/s2"))!["value"]);

        var again = await rig.RunAsync();
        Assert.Equal(CycleOutcome.Unchanged, again.Origin.Outcome);
        Assert.All(again.Destinations, d => Assert.Equal(CycleOutcome.Unchanged, d.Outcome));
        await rig.AssertNoLeaksAsync(Secret);
    }

    [Fact]
    public async Task An_undelete_at_the_origin_makes_the_secret_readable_again_at_the_destinations()
    {
        await using var rig = await ThreeModesAsync();
        await rig.Client("origin").DeleteLatestAsync("secret", "app/s3");
        await rig.RunAsync();
        Assert.Null(await rig.ReadAsync("soft", "secret/app/s3"));

        await rig.Client("origin").UndeleteVersionsAsync("secret", "app/s3", [1]);
        var result = await rig.RunAsync();

        var cycles = result.Destinations.ToDictionary(d => d.Owner);
        Assert.Equal(1, cycles["destination-soft"].Copied);
        Assert.Equal(1, cycles["destination-destroy"].Copied);
        Assert.Equal(1, cycles["destination-keep"].Copied);
        foreach (var cluster in new[] { "soft", "destroy", "keep" })
            Assert.Equal($"{Secret}-3", (await rig.ReadAsync(cluster, "secret/app/s3"))!["value"]);
    }

    [Fact]
    public async Task A_destroyed_or_removed_origin_secret_is_deleted_and_then_no_longer_tracked()
    {
        await using var rig = await ThreeModesAsync();
        await rig.Client("origin").DestroyVersionsAsync("secret", "app/s4", [1]);
        await rig.Client("origin").DeleteMetadataAsync("secret", "app/s5");

        var result = await rig.RunAsync();

        Assert.Equal(5, result.Origin.Paths);
        var cycles = result.Destinations.ToDictionary(d => d.Owner);
        Assert.Equal(2, cycles["destination-soft"].Deleted);
        Assert.Null(await rig.ReadAsync("soft", "secret/app/s4"));
        Assert.Null(await rig.ReadAsync("soft", "secret/app/s5"));
        Assert.NotNull(await rig.MetadataAsync("soft", "secret/app/s5"));
        Assert.Null(await rig.MetadataAsync("destroy", "secret/app/s4"));
        Assert.Null(await rig.MetadataAsync("destroy", "secret/app/s5"));
        Assert.Equal($"{Secret}-4", (await rig.ReadAsync("keep", "secret/app/s4"))!["value"]);
        // The removed path is dropped from the destination's records; the destroyed one is recorded as destroyed.
        Assert.Equal(5, (await rig.IndexAsync("destination-soft"))!.PathCount);

        rig.Destinations["soft"].ResetCounters();
        var again = await rig.RunAsync();
        Assert.All(again.Destinations, d => Assert.Equal(CycleOutcome.Unchanged, d.Outcome));
        Assert.Equal(0, rig.Destinations["soft"].Deletes);
    }

    [Fact]
    public async Task The_deletion_ratio_guard_refuses_a_mass_delete_and_writes_nothing()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 20; i++) await rig.WriteAsync("origin", $"secret/app/s{i:D2}", ("value", $"{Secret}-{i}"));
        await rig.RunAsync();
        var tag = await rig.IndexTagAsync("destination-eu");
        for (var i = 0; i < 5; i++) await rig.Client("origin").DeleteMetadataAsync("secret", $"app/s{i:D2}");
        await rig.WriteAsync("origin", "secret/app/new", ("value", "fresh"));
        rig.Destinations["eu"].ResetCounters();

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Published, result.Origin.Outcome);
        var eu = Assert.Single(result.Destinations);
        Assert.Equal(CycleOutcome.Refused, eu.Outcome);
        Assert.Equal("destination-eu: refusing to delete 5 of its 20 active recorded paths in one cycle: max_delete_ratio 0.1 allows 2; nothing was written " +
                     "(check the origin, or raise max_delete_ratio for one cycle)", Assert.Single(eu.Errors));
        Assert.Equal(6, eu.Pending);
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
        Assert.Equal(0, rig.Destinations["eu"].DataWrites);
        Assert.Equal(tag, await rig.IndexTagAsync("destination-eu"));
        Assert.Equal($"{Secret}-0", (await rig.ReadAsync("eu", "secret/app/s00"))!["value"]);
        var status = (await rig.Status.StatusAsync()).Single(s => s.Owner == "destination-eu");
        Assert.Equal(CycleOutcome.Refused, status.Last.Outcome);
        Assert.False(status.InSync);
    }

    [Fact]
    public async Task The_guard_counts_only_active_records_not_those_of_secrets_already_deleted()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 20; i++) await rig.WriteAsync("origin", $"secret/app/s{i:D2}", ("value", $"{Secret}-{i}"));
        // 15 are soft-deleted at the origin before the first cycle: the destination records them as deleted.
        for (var i = 0; i < 15; i++) await rig.Client("origin").DeleteLatestAsync("secret", $"app/s{i:D2}");
        var first = Assert.Single((await rig.RunAsync()).Destinations);
        Assert.Equal((CycleOutcome.Published, 5), (first.Outcome, first.Copied));
        Assert.Equal(20, (await rig.IndexAsync("destination-eu"))!.PathCount);
        await rig.Client("origin").DeleteLatestAsync("secret", "app/s15");
        await rig.Client("origin").DeleteLatestAsync("secret", "app/s16");

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        // 2 of 20 records would pass 0.1; 2 of the 5 live copies is 40%.
        Assert.Equal(CycleOutcome.Refused, eu.Outcome);
        Assert.StartsWith("destination-eu: refusing to delete 2 of its 5 active recorded paths in one cycle: max_delete_ratio 0.1 allows 0;", Assert.Single(eu.Errors));
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
    }

    [Fact]
    public async Task Deletes_within_the_ratio_go_through()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 20; i++) await rig.WriteAsync("origin", $"secret/app/s{i:D2}", ("value", $"v{i}"));
        await rig.RunAsync();
        for (var i = 0; i < 2; i++) await rig.Client("origin").DeleteLatestAsync("secret", $"app/s{i:D2}");

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal((CycleOutcome.Published, 2), (eu.Outcome, eu.Deleted));
    }
}
