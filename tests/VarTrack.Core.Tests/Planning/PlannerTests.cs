using System.Text.Json;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Secrets;
using VarTrack.Core.Text;

namespace VarTrack.Core.Tests.Planning;

public sealed class PlannerTests
{
    private const string Secret = "s3cr3t-VALUE-xyz";
    private const string OldSecret = "old-s3cr3t-VALUE";

    private static Dictionary<string, FlatValue> Values(params (string Key, string? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => FlatValue.From(e.Value), StringComparer.Ordinal);

    private static Provenance ProvenanceOf(IEnumerable<string> owned, string hash = "blake3:old", IEnumerable<string>? secrets = null) => new()
    {
        Rule = "app",
        Environment = "production",
        SourceFile = "config/app.yaml",
        ContentHash = hash,
        OwnedKeys = new HashSet<string>(owned, StringComparer.Ordinal),
        SecretKeys = new HashSet<string>(secrets ?? [], StringComparer.Ordinal),
    };

    private static PlanOptions Options(SyncStrategy strategy = SyncStrategy.Auto, bool prune = false, params string[] protect) =>
        new(strategy, prune, protect.Select(p => Glob.Parse(p, '.')).ToList());

    private static string Describe(ChangeSet plan) => string.Join("\n", plan.Changes.Select(c => c.ToString()));

    [Fact]
    public void Auto_adds_and_changes_what_differs()
    {
        var current = new Snapshot(Values(("a", "1"), ("b", "2")), ProvenanceOf(["a", "b"]));
        var plan = Planner.Plan(Values(("a", "1"), ("b", "3"), ("c", "4")), current, Options());
        Assert.Equal("~ b: 2 -> 3\n+ c = 4", Describe(plan));
        Assert.Equal(1, plan.UnchangedCount);
        Assert.Equal(1, plan.Count(ChangeKind.Add));
        Assert.Equal(1, plan.Count(ChangeKind.Change));
        Assert.Equal([new KeyValuePair<string, FlatValue>("b", FlatValue.Text("3")), new("c", FlatValue.Text("4"))], plan.Upserts);
        Assert.Empty(plan.Removals);
        Assert.False(plan.IsSkipped);
        Assert.False(plan.IsEmpty);
        Assert.Equal(ContentHash.Compute(Values(("a", "1"), ("b", "3"), ("c", "4"))), plan.ContentHash);
    }

    [Fact]
    public void Nothing_to_do_is_an_empty_plan()
    {
        var plan = Planner.Plan(Values(("a", "1")), new Snapshot(Values(("a", "1")), null), Options());
        Assert.True(plan.IsEmpty);
        Assert.Equal(1, plan.UnchangedCount);
    }

    [Fact]
    public void An_empty_destination_gets_everything_added()
    {
        var plan = Planner.Plan(Values(("a", "1"), ("b", null)), Snapshot.Empty, Options());
        Assert.Equal("+ a = 1\n+ b = null", Describe(plan));
        Assert.Equal(["a", "b"], plan.OwnedKeysAfter.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Null_versus_empty_string_is_a_change()
    {
        var plan = Planner.Plan(Values(("a", ""), ("b", null)), new Snapshot(Values(("a", null), ("b", "")), null), Options());
        Assert.Equal([ChangeKind.Change, ChangeKind.Change], plan.Changes.Select(c => c.Kind));
        Assert.Equal("~ a: null -> \n~ b:  -> null", Describe(plan));
    }

    [Fact]
    public void Upsert_all_writes_unchanged_keys_as_rewrites()
    {
        var current = new Snapshot(Values(("a", "1"), ("b", "2")), null);
        var plan = Planner.Plan(Values(("a", "1"), ("b", "3")), current, Options(SyncStrategy.UpsertAll));
        Assert.Equal([("a", ChangeKind.Rewrite), ("b", ChangeKind.Change)], plan.Changes.Select(c => (c.Key, c.Kind)));
        Assert.Equal("= a = 1", plan.Changes[0].ToString());
        Assert.Equal(0, plan.UnchangedCount);
        Assert.Equal(["a", "b"], plan.Upserts.Select(u => u.Key));
    }

    [Fact]
    public void Smart_repair_skips_when_the_hash_matches_the_last_apply()
    {
        var desired = Values(("a", "1"), ("b", "2"));
        var hash = ContentHash.Compute(desired);
        // The destination was edited by hand, but the recorded hash matches: smart_repair does nothing on purpose.
        var current = new Snapshot(Values(("a", "edited"), ("old", "x")), ProvenanceOf(["a", "b", "old"], hash));
        var plan = Planner.Plan(desired, current, Options(SyncStrategy.SmartRepair, prune: true));
        Assert.True(plan.IsSkipped);
        Assert.Equal("smart_repair: content hash matches the last apply", plan.SkipReason);
        Assert.Empty(plan.Changes);
        Assert.Equal(2, plan.UnchangedCount);
        Assert.Equal(hash, plan.ContentHash);
        Assert.Equal(["a", "b", "old"], plan.OwnedKeysAfter.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Smart_repair_plans_normally_when_the_hash_differs()
    {
        var current = new Snapshot(Values(("a", "1"), ("old", "x")), ProvenanceOf(["a", "old"], "blake3:different"));
        var plan = Planner.Plan(Values(("a", "2")), current, Options(SyncStrategy.SmartRepair, prune: true));
        Assert.False(plan.IsSkipped);
        Assert.Equal("~ a: 1 -> 2\n- old (was x)", Describe(plan));
    }

    [Fact]
    public void Smart_repair_without_provenance_plans_normally()
    {
        var plan = Planner.Plan(Values(("a", "1")), Snapshot.Empty, Options(SyncStrategy.SmartRepair));
        Assert.False(plan.IsSkipped);
        Assert.Equal(1, plan.Count(ChangeKind.Add));
    }

    [Fact]
    public void Prune_removes_only_owned_keys_that_are_no_longer_desired()
    {
        var current = new Snapshot(Values(("a", "1"), ("gone", "2"), ("foreign", "3")), ProvenanceOf(["a", "gone"]));
        var plan = Planner.Plan(Values(("a", "1")), current, Options(prune: true));
        Assert.Equal("- gone (was 2)", Describe(plan));
        Assert.Equal(["gone"], plan.Removals);
        Assert.Equal(["a"], plan.OwnedKeysAfter);
    }

    [Fact]
    public void Prune_off_removes_nothing_and_keeps_the_keys_owned()
    {
        var current = new Snapshot(Values(("a", "1"), ("gone", "2"), ("foreign", "3")), ProvenanceOf(["a", "gone"]));
        var plan = Planner.Plan(Values(("a", "1")), current, Options(prune: false));
        Assert.Empty(plan.Changes);
        Assert.Empty(plan.Protected);
        Assert.Equal(["a", "gone"], plan.OwnedKeysAfter.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Owned_keys_already_missing_from_the_destination_are_no_longer_owned()
    {
        var current = new Snapshot(Values(("a", "1")), ProvenanceOf(["a", "vanished"]));
        Assert.Equal(["a"], Planner.Plan(Values(("a", "1")), current, Options(prune: true)).OwnedKeysAfter);
        Assert.Equal(["a"], Planner.Plan(Values(("a", "1")), current, Options(prune: false)).OwnedKeysAfter);
    }

    [Fact]
    public void Live_state_removes_unowned_keys_too_but_not_protected_ones()
    {
        var current = new Snapshot(
            Values(("a", "1"), ("owned_gone", "2"), ("foreign", "3"), ("SYSTEM_X", "4"), ("SYSTEM.X.y", "5"), ("LOCK.a", "6")),
            ProvenanceOf(["a", "owned_gone", "LOCK.a"]));
        var plan = Planner.Plan(Values(("a", "1")), current, Options(SyncStrategy.LiveState, false, "SYSTEM_*", "LOCK.**"));
        Assert.Equal(["owned_gone", "foreign", "SYSTEM.X.y"], plan.Removals);
        Assert.Equal(["SYSTEM_X", "LOCK.a"], plan.Protected);
        // A protected key this rule owned stays owned (a later run may still be asked to remove it).
        Assert.Equal(["LOCK.a", "a"], plan.OwnedKeysAfter.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Protection_globs_are_dot_segment_aware()
    {
        var current = new Snapshot(
            Values(("SYSTEM_X", "1"), ("SYSTEM.X.y", "2"), ("SYSTEMX", "3"), ("app.SYSTEM_Z", "4")),
            ProvenanceOf(["SYSTEM_X", "SYSTEM.X.y", "SYSTEMX", "app.SYSTEM_Z"]));

        var star = Planner.Plan(Values(), current, Options(prune: true, protect: "SYSTEM_*"));
        Assert.Equal(["SYSTEM_X"], star.Protected);
        Assert.Equal(["SYSTEM.X.y", "SYSTEMX", "app.SYSTEM_Z"], star.Removals.Order(StringComparer.Ordinal));

        var deep = Planner.Plan(Values(), current, Options(prune: true, protect: "SYSTEM.**"));
        Assert.Equal(["SYSTEM.X.y"], deep.Protected);

        var anywhere = Planner.Plan(Values(), current, Options(prune: true, protect: "**.SYSTEM_*"));
        Assert.Equal(["SYSTEM_X", "app.SYSTEM_Z"], anywhere.Protected.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Protection_does_not_stop_adds_or_changes()
    {
        var current = new Snapshot(Values(("SYSTEM_X", "1")), null);
        var plan = Planner.Plan(Values(("SYSTEM_X", "2"), ("SYSTEM_Y", "3")), current, Options(prune: true, protect: "SYSTEM_*"));
        Assert.Equal("~ SYSTEM_X: 1 -> 2\n+ SYSTEM_Y = 3", Describe(plan));
    }

    [Fact]
    public void PlanOptions_For_takes_the_rules_settings()
    {
        var rule = new RuleDefinition("app") { Strategy = SyncStrategy.LiveState, Prune = true, Protect = [Glob.Parse("SYSTEM_*", '.')] };
        var options = PlanOptions.For(rule);
        Assert.Equal(SyncStrategy.LiveState, options.Strategy);
        Assert.True(options.Prune);
        Assert.True(options.IsProtected("SYSTEM_A"));
        Assert.False(options.IsProtected("SYSTEM.A"));
        Assert.False(PlanOptions.Default.IsProtected("x"));
    }

    [Fact]
    public void Secret_values_are_masked_in_every_rendering()
    {
        var desired = new Dictionary<string, FlatValue>
        {
            ["pw"] = FlatValue.Secret(new SecretValue(Secret)),
            ["new"] = FlatValue.Secret(new SecretValue(Secret + "2")),
            ["same"] = FlatValue.Secret(new SecretValue(Secret + "3")),
        };
        var current = new Snapshot(Values(("pw", OldSecret), ("same", Secret + "3")), ProvenanceOf(["pw", "same"], secrets: ["pw", "same"]));
        var plan = Planner.Plan(desired, current, Options(SyncStrategy.UpsertAll));
        Assert.Equal("~ pw: *** -> ***\n+ new = ***\n= same = ***", Describe(plan));
        Assert.All(plan.Changes, c => Assert.True(c.Sensitive));
        Assert.Equal(["new", "pw", "same"], plan.SecretKeys.Order(StringComparer.Ordinal));
        AssertNoSecret(Describe(plan));
        AssertNoSecret(string.Join("|", plan.Changes.Select(c => $"{c.BeforeDisplay} {c.AfterDisplay}")));
    }

    [Fact]
    public void A_key_that_was_secret_at_the_last_apply_is_masked_even_as_plain_text()
    {
        var current = new Snapshot(Values(("pw", OldSecret), ("gone", OldSecret)), ProvenanceOf(["pw", "gone"], secrets: ["pw", "gone"]));
        var plan = Planner.Plan(Values(("pw", "now-plain")), current, Options(prune: true));
        Assert.Equal("~ pw: *** -> ***\n- gone (was ***)", Describe(plan));
        AssertNoSecret(Describe(plan));
        Assert.Equal("***", plan.Changes[0].BeforeDisplay);
        Assert.Empty(plan.SecretKeys);
    }

    [Fact]
    public void A_sensitive_null_is_shown_as_null()
    {
        var change = new KeyChange("pw", ChangeKind.Change, FlatValue.Null, FlatValue.Text(Secret), Sensitive: true);
        Assert.Equal("~ pw: null -> ***", change.ToString());
        Assert.Null(change.BeforeDisplay);
    }

    [Fact]
    public void Sensitive_changes_serialised_with_System_Text_Json_do_not_reveal_values()
    {
        // The old value was a secret at the last apply, but the sink read it back as plain text: only Sensitive guards it.
        var current = new Snapshot(Values(("pw", OldSecret)), ProvenanceOf(["pw"], secrets: ["pw"]));
        var plan = Planner.Plan(new Dictionary<string, FlatValue> { ["pw"] = FlatValue.Secret(new SecretValue(Secret)) }, current, Options());
        var json = JsonSerializer.Serialize(plan.Changes);
        AssertNoSecret(json);
    }

    [Fact]
    public void Unchanged_secrets_are_not_rewritten_by_auto()
    {
        var current = new Snapshot(Values(("pw", Secret)), ProvenanceOf(["pw"], secrets: ["pw"]));
        var plan = Planner.Plan(new Dictionary<string, FlatValue> { ["pw"] = FlatValue.Secret(new SecretValue(Secret)) }, current, Options());
        Assert.Empty(plan.Changes);
        Assert.Equal(1, plan.UnchangedCount);
    }

    [Fact]
    public void Plans_are_deterministic()
    {
        var desired = Values(("a", "1"), ("b", "2"));
        var current = new Snapshot(Values(("a", "0"), ("x", "1")), ProvenanceOf(["x"]));
        Assert.Equal(Describe(Planner.Plan(desired, current, Options(prune: true))), Describe(Planner.Plan(desired, current, Options(prune: true))));
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain(OldSecret, text);
    }
}
