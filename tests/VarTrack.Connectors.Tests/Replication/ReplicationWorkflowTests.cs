using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// Replication cycles through the real workflow and activities between fake Vaults on loopback: first sync,
/// incremental change, the all-unchanged cycle, deletes and undeletes, and what must never leak.
/// </summary>
public sealed class ReplicationWorkflowTests
{
    private const string Password = "Pelican-Vortex-4417-do-not-leak";
    private const string ApiKey = "Quartz-Heron-9023-do-not-leak";

    private static async Task<ReplicationRig> SeededAsync(string destinations, string settings = "", params string[] names)
    {
        var rig = await ReplicationRig.StartAsync(destinations, settings, "[secret]", names);
        await rig.WriteAsync("origin", "secret/stage/app1", ("user", "app1"), ("password", Password));
        await rig.WriteAsync("origin", "secret/stage/app2", ("api_key", ApiKey));
        await rig.WriteAsync("origin", "secret/prod/db/main", ("host", "db.internal"), ("port", "5432"), ("password", Password + "-prod"));
        await rig.WriteAsync("origin", "secret/top", ("x", "1"));
        return rig;
    }

    [Fact]
    public async Task A_first_cycle_copies_every_secret_with_all_its_keys_and_the_next_finds_nothing_to_do()
    {
        await using var rig = await SeededAsync(ReplicationRig.Destination("eu"));

        var first = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Published, first.Origin.Outcome);
        Assert.Equal(4, first.Origin.Paths);
        Assert.Equal(4, first.Origin.Changed);
        var eu = Assert.Single(first.Destinations);
        Assert.Equal(("destination-eu", CycleOutcome.Published, 4, 0, 0), (eu.Owner, eu.Outcome, eu.Copied, eu.Deleted, eu.Pending));
        Assert.Empty(eu.Errors);
        Assert.Equal(first.Origin.Generation, eu.SourceGeneration);
        Assert.Equal(new Dictionary<string, string> { ["user"] = "app1", ["password"] = Password }, await rig.ReadAsync("eu", "secret/stage/app1"));
        Assert.Equal(new Dictionary<string, string> { ["api_key"] = ApiKey }, await rig.ReadAsync("eu", "secret/stage/app2"));
        Assert.Equal(new Dictionary<string, string> { ["host"] = "db.internal", ["port"] = "5432", ["password"] = Password + "-prod" }, await rig.ReadAsync("eu", "secret/prod/db/main"));
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1" }, await rig.ReadAsync("eu", "secret/top"));
        Assert.Equal(4, rig.Destinations["eu"].SecretCount());

        var second = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Unchanged, second.Origin.Outcome);
        Assert.Equal(first.Origin.Generation, second.Origin.Generation);
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(second.Destinations).Outcome);
        await rig.AssertNoLeaksAsync(Password, ApiKey);
    }

    [Fact]
    public async Task An_incremental_cycle_reads_and_writes_only_the_changed_secret()
    {
        await using var rig = await SeededAsync(ReplicationRig.Destination("eu"));
        await rig.RunAsync();
        await rig.WriteAsync("origin", "secret/stage/app1", ("user", "app1"), ("password", Password + "-rotated"));
        rig.Origin.ResetCounters();
        rig.Destinations["eu"].ResetCounters();

        var result = await rig.RunAsync();

        Assert.Equal((CycleOutcome.Published, 1), (result.Origin.Outcome, result.Origin.Changed));
        var eu = Assert.Single(result.Destinations);
        Assert.Equal((CycleOutcome.Published, 1, 1), (eu.Outcome, eu.Changed, eu.Copied));
        Assert.Equal(1, rig.Origin.DataReads);
        Assert.Equal(4, rig.Origin.MetadataReads);
        Assert.Equal(1, rig.Destinations["eu"].DataWrites);
        Assert.Equal(0, rig.Destinations["eu"].DataReads);
        Assert.Equal(Password + "-rotated", (await rig.ReadAsync("eu", "secret/stage/app1"))!["password"]);
        await rig.AssertNoLeaksAsync(Password, ApiKey);
    }

    [Fact]
    public async Task An_unchanged_cycle_reads_no_secret_writes_nothing_and_publishes_nothing()
    {
        await using var rig = await SeededAsync(ReplicationRig.Destination("eu") + ReplicationRig.Destination("us"), "", "eu", "us");
        await rig.RunAsync();
        var originTag = await rig.IndexTagAsync("origin-primary");
        var euTag = await rig.IndexTagAsync("destination-eu");
        rig.Origin.ResetCounters();
        var euRequests = rig.Destinations["eu"].RequestCount;
        var usRequests = rig.Destinations["us"].RequestCount;

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Unchanged, result.Origin.Outcome);
        Assert.All(result.Destinations, d => Assert.Equal(CycleOutcome.Unchanged, d.Outcome));
        Assert.Equal(0, rig.Origin.DataReads);
        Assert.Equal(0, rig.Origin.DataWrites);
        Assert.Equal(euRequests, rig.Destinations["eu"].RequestCount);
        Assert.Equal(usRequests, rig.Destinations["us"].RequestCount);
        Assert.Equal(originTag, await rig.IndexTagAsync("origin-primary"));
        Assert.Equal(euTag, await rig.IndexTagAsync("destination-eu"));
        Assert.DoesNotContain(rig.Steps.Activities.Skip(rig.Steps.Activities.LastIndexOf(ReplicationActivities.Start)),
            a => a is ReplicationActivities.OriginPublish or ReplicationActivities.DestinationCopy or ReplicationActivities.DestinationPublish);
    }

    [Fact]
    public async Task A_request_can_name_destinations_or_run_the_origin_only_and_an_unknown_name_is_fatal()
    {
        await using var rig = await SeededAsync(ReplicationRig.Destination("eu") + ReplicationRig.Destination("us"), "", "eu", "us");

        var originOnly = await rig.RunAsync(new ReplicationCycleRequest("o") { OriginOnly = true });
        var onlyUs = await rig.RunAsync(new ReplicationCycleRequest("u") { Destinations = ["us"] });
        var unknown = await rig.RunAsync(new ReplicationCycleRequest("x") { Destinations = ["us", "mars"] });

        Assert.Equal(CycleOutcome.Published, originOnly.Origin.Outcome);
        Assert.Empty(originOnly.Destinations);
        Assert.Equal(CycleOutcome.Unchanged, onlyUs.Origin.Outcome);
        Assert.Equal(("destination-us", 4), (Assert.Single(onlyUs.Destinations).Owner, onlyUs.Destinations[0].Copied));
        Assert.Null(await rig.IndexAsync("destination-eu"));
        Assert.Equal(CycleOutcome.Fatal, unknown.Origin.Outcome);
        Assert.Equal("unknown replication destination 'mars' (configured: eu, us)", Assert.Single(unknown.Origin.Errors));
        Assert.Empty(unknown.Destinations);
    }

    [Fact]
    public async Task Activity_inputs_and_results_are_references_and_counts_only()
    {
        await using var rig = await SeededAsync(ReplicationRig.Destination("eu"));

        await rig.RunAsync();

        Assert.Equal(
        [
            ReplicationActivities.Start, ReplicationActivities.OriginList, ReplicationActivities.OriginScan, ReplicationActivities.OriginPublish,
            ReplicationActivities.CycleRecord, ReplicationActivities.DestinationPlan, ReplicationActivities.DestinationCopy,
            ReplicationActivities.DestinationPublish, ReplicationActivities.CycleRecord,
        ], rig.Steps.Activities);
        // Paths appear in history only inside masked error lines; a clean cycle carries none at all.
        Assert.DoesNotContain(rig.Steps.History, h => h.Contains("secret/stage/app1", StringComparison.Ordinal));
    }
}
