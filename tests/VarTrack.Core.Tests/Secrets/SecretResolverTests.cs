using System.Text.Json;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Secrets;

public sealed class SecretResolverTests
{
    private const string File = "config/app.yaml";
    private const string Value = "s3cr3t-VALUE-xyz";

    /// <summary>An in-memory secret store: path -> fields; paths listed in <see cref="Failing"/> throw like an unreachable store.</summary>
    private sealed class FakeSecretStore : ISecretStore
    {
        public Dictionary<string, Dictionary<string, string>> Secrets { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);
        public List<string> Reads { get; } = [];

        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default)
        {
            lock (Reads) Reads.Add(path);
            if (Failing.Contains(path))
                throw new SecretStoreException(path, $"permission denied reading '{path}'");
            if (!Secrets.TryGetValue(path, out var fields))
                throw new SecretStoreException(path, $"secret '{path}' not found") { NotFound = true };
            IReadOnlyDictionary<string, SecretValue> data = fields.ToDictionary(f => f.Key, f => new SecretValue(f.Value), StringComparer.Ordinal);
            return Task.FromResult(data);
        }
    }

    private static FakeSecretStore Store()
    {
        var store = new FakeSecretStore();
        store.Secrets["kv/app/db"] = new() { ["password"] = Value, ["user"] = "app-user-VALUE" };
        store.Secrets["kv/app/api"] = new() { ["token"] = Value + "-token" };
        return store;
    }

    private static FlatMap Map(params (string Key, string? Value)[] entries)
    {
        var map = new FlatMap();
        var line = 1;
        foreach (var (key, value) in entries) map.Add(key, FlatValue.From(value), new SourcePosition(line++, 1));
        return map;
    }

    private static async Task<IReadOnlyList<Problem>> Fails(FlatMap map, ISecretStore? store)
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SecretResolver.ResolveAsync(map, store, ".", File, "app"));
        AssertNoSecretIn(ex.Message);
        foreach (var problem in ex.Problems)
        {
            AssertNoSecretIn(problem.ToString());
            AssertNoSecretIn(problem.Message);
        }
        return ex.Problems;
    }

    private static void AssertNoSecretIn(string text)
    {
        Assert.DoesNotContain(Value, text);
        Assert.DoesNotContain("app-user-VALUE", text);
    }

    [Fact]
    public async Task A_key_reference_becomes_the_secret_field()
    {
        var store = Store();
        var result = await SecretResolver.ResolveAsync(Map(("db.host", "x"), ("db.password", "@secret(kv/app/db#password)")), store, ".", File);
        Assert.Equal(["db.host", "db.password"], result.Keys);
        Assert.True(result["db.password"].IsSecret);
        Assert.Equal(Value, result["db.password"].Reveal());
        Assert.Equal("***", result["db.password"].ToString());
        Assert.Equal("***", result["db.password"].Display);
        Assert.Null(result["db.password"].PlainText);
        Assert.Equal(new SourcePosition(2, 1), result.OriginOf("db.password"));
        Assert.Equal("x", result["db.host"].PlainText);
    }

    [Fact]
    public async Task A_whole_secret_reference_expands_to_sub_keys()
    {
        var result = await SecretResolver.ResolveAsync(Map(("a", "1"), ("db", "@secret(kv/app/db)"), ("z", "2")), Store(), ".", File);
        Assert.Equal(["a", "db.password", "db.user", "z"], result.Keys);
        Assert.Equal(Value, result["db.password"].Reveal());
        Assert.Equal("app-user-VALUE", result["db.user"].Reveal());
        Assert.True(result["db.user"].IsSecret);
        Assert.Equal(new SourcePosition(2, 1), result.OriginOf("db.user"));
    }

    [Fact]
    public async Task Whole_secret_sub_keys_use_the_rules_separator()
    {
        var result = await SecretResolver.ResolveAsync(Map(("db", "@secret(kv/app/db)")), Store(), ":", File);
        Assert.Equal(["db:password", "db:user"], result.Keys);
    }

    [Fact]
    public async Task Each_secret_is_read_once()
    {
        var store = Store();
        await SecretResolver.ResolveAsync(Map(("a", "@secret(kv/app/db#password)"), ("b", "@secret(kv/app/db#user)"), ("c", "@secret(kv/app/db)")), store, ".", File);
        Assert.Equal(["kv/app/db"], store.Reads);
    }

    [Fact]
    public async Task A_map_without_references_is_returned_as_is_without_a_store()
    {
        var map = Map(("a", "1"), ("b", null), ("c", "not @secret(x/y#z)"));
        Assert.Same(map, await SecretResolver.ResolveAsync(map, null, ".", File));
        Assert.Empty(SecretResolver.KeysWithReferences(map));
    }

    [Fact]
    public void KeysWithReferences_lists_reference_keys_including_malformed_ones()
    {
        var map = Map(("a", "@secret(kv/x#y)"), ("b", "plain"), ("c", "@secret(bad"), ("d", null));
        Assert.Equal(["a", "c"], SecretResolver.KeysWithReferences(map));
    }

    [Fact]
    public async Task Malformed_references_are_errors_naming_the_key()
    {
        var problems = await Fails(Map(("a", "@secret(kv/x#y"), ("b", "@secret(nomount#y)")), Store());
        Assert.Equal(2, problems.Count);
        Assert.Equal("a", problems[0].Key);
        Assert.Equal("malformed secret reference; expected @secret(mount/path#key) or @secret(mount/path)", problems[0].Message);
        Assert.Equal(new SourcePosition(1, 1), problems[0].Position);
        Assert.Equal(File, problems[0].File);
        Assert.Equal("app", problems[0].Rule);
        Assert.Equal("b", problems[1].Key);
        Assert.Contains("must be 'mount/path'", problems[1].Message);
    }

    [Fact]
    public async Task A_missing_key_in_the_secret_is_an_error()
    {
        var problem = Assert.Single(await Fails(Map(("db.pw", "@secret(kv/app/db#passwd)")), Store()));
        Assert.Equal("cannot resolve @secret(kv/app/db#passwd): the secret has no key 'passwd'", problem.Message);
        Assert.Equal("db.pw", problem.Key);
    }

    [Fact]
    public async Task A_missing_secret_is_an_error_with_the_stores_message()
    {
        var problem = Assert.Single(await Fails(Map(("x", "@secret(kv/nope#a)")), Store()));
        Assert.Equal("cannot resolve @secret(kv/nope#a): secret 'kv/nope' not found", problem.Message);
        Assert.Equal("x", problem.Key);
    }

    [Fact]
    public async Task A_store_failure_fails_the_whole_map()
    {
        var store = Store();
        store.Failing.Add("kv/app/db");
        var problems = await Fails(Map(("a", "@secret(kv/app/db#password)"), ("b", "@secret(kv/app/api#token)"), ("c", "@secret(kv/app/db)")), store);
        Assert.Equal(["a", "c"], problems.Select(p => p.Key));
        Assert.All(problems, p => Assert.Contains("permission denied reading 'kv/app/db'", p.Message));
    }

    [Fact]
    public async Task No_store_configured_is_an_error_for_every_reference()
    {
        var problems = await Fails(Map(("a", "@secret(kv/app/db#password)"), ("b", "plain"), ("c", "@secret(kv/app/api)")), null);
        Assert.Equal(["a", "c"], problems.Select(p => p.Key));
        Assert.Equal("references @secret(kv/app/db#password) but no vault is configured (add 'vault' to vartrack.yaml)", problems[0].Message);
    }

    [Fact]
    public async Task No_store_and_a_malformed_reference_reports_both()
    {
        var problems = await Fails(Map(("a", "@secret(bad"), ("b", "@secret(kv/app/db#password)")), null);
        Assert.Equal(["a", "b"], problems.Select(p => p.Key));
    }

    [Fact]
    public async Task A_whole_secret_field_colliding_with_a_document_key_is_an_error()
    {
        var problems = await Fails(Map(("db.user", "doc-user"), ("db", "@secret(kv/app/db)")), Store());
        var problem = Assert.Single(problems);
        Assert.Equal("db.user", problem.Key);
        Assert.Equal("is defined by the document and also by @secret(kv/app/db)", problem.Message);

        // The document key written after the reference collides the same way.
        problem = Assert.Single(await Fails(Map(("db", "@secret(kv/app/db)"), ("db.user", "doc-user")), Store()));
        Assert.Equal("db.user", problem.Key);
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once()
    {
        var store = Store();
        store.Failing.Add("kv/app/api");
        var problems = await Fails(Map(
            ("a", "@secret(bad"),
            ("b", "@secret(kv/app/db#none)"),
            ("c", "@secret(kv/app/api#token)"),
            ("d", "@secret(kv/missing#x)"),
            ("e", "@secret(kv/app/db#password)")), store);
        Assert.Equal(["a", "b", "c", "d"], problems.Select(p => p.Key));
    }

    [Fact]
    public async Task Resolved_maps_never_print_or_serialise_the_value()
    {
        var result = await SecretResolver.ResolveAsync(Map(("pw", "@secret(kv/app/db#password)"), ("db", "@secret(kv/app/db)")), Store(), ".", File);
        var printed = string.Join("\n", result.Select(e => $"{e.Key}={e.Value}"));
        AssertNoSecretIn(printed);
        AssertNoSecretIn(JsonSerializer.Serialize(result));
        AssertNoSecretIn(JsonSerializer.Serialize(result["pw"]));
    }

    [Fact]
    public async Task Null_and_plain_values_are_kept()
    {
        var result = await SecretResolver.ResolveAsync(Map(("a", null), ("b", ""), ("c", "@secret(kv/app/api#token)")), Store(), ".", File);
        Assert.True(result["a"].IsNull);
        Assert.Equal("", result["b"].PlainText);
    }
}
