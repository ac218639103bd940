using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Config;

public sealed class SettingResolverTests
{
    private const string Value = "s3cr3t-VALUE-xyz";
    private const string What = "'connection' of sink 'cache'";

    private sealed class FakeSecretStore : ISecretStore
    {
        public Dictionary<string, Dictionary<string, string>> Secrets { get; } = new(StringComparer.Ordinal)
        {
            ["kv/redis"] = new() { ["url"] = Value, ["other"] = "x" },
        };

        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default)
        {
            if (path == "kv/down") throw new SecretStoreException(path, "vault is sealed");
            if (!Secrets.TryGetValue(path, out var fields)) throw new SecretStoreException(path, $"secret '{path}' not found") { NotFound = true };
            IReadOnlyDictionary<string, SecretValue> data = fields.ToDictionary(f => f.Key, f => new SecretValue(f.Value));
            return Task.FromResult(data);
        }
    }

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["HOST"] = "redis.internal",
        ["PORT"] = "6379",
        ["EMPTY"] = "",
        ["PASSWORD"] = Value,
    };

    private static SettingResolver Resolver(ISecretStore? store = null) => new(name => Environment.GetValueOrDefault(name), store);

    private static SettingValue Text(string raw) => new(raw, new SourcePosition(5, 17));

    private static SettingValue Reference(string raw)
    {
        Assert.True(SecretReference.TryParse(raw, out var reference, out _));
        return new SettingValue(raw, new SourcePosition(5, 17)) { Secret = reference };
    }

    private static async Task<Problem> Fails(SettingResolver resolver, SettingValue setting)
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => resolver.ResolveAsync(setting, What));
        Assert.DoesNotContain(Value, ex.Message);
        return Assert.Single(ex.Problems);
    }

    [Fact]
    public async Task Expands_environment_variables()
    {
        var value = await Resolver().ResolveAsync(Text("redis://${HOST}:${PORT}/0"), What);
        Assert.Equal("redis://redis.internal:6379/0", value.Reveal());
    }

    [Fact]
    public void ResolveText_expands_without_wrapping()
    {
        Assert.Equal("a--b", Resolver().ResolveText(Text("a-${EMPTY}-b"), What));
        Assert.Equal("plain", Resolver().ResolveText(Text("plain"), What));
        Assert.Equal("", Resolver().ResolveText(Text(""), What));
        Assert.Equal("$HOST and $ alone", Resolver().ResolveText(Text("$HOST and $ alone"), What));
    }

    [Fact]
    public void Double_dollar_brace_is_a_literal()
    {
        Assert.Equal("${HOST}", Resolver().ResolveText(Text("$${HOST}"), What));
        Assert.Equal("x${NOT_SET}y-redis.internal", Resolver().ResolveText(Text("x$${NOT_SET}y-${HOST}"), What));
    }

    [Fact]
    public void A_missing_variable_is_an_error_naming_the_setting_and_the_variable()
    {
        var ex = Assert.Throws<VarTrackException>(() => Resolver().ResolveText(Text("redis://${REDIS_HOST}"), What));
        Assert.Equal("'connection' of sink 'cache' uses ${REDIS_HOST}, but the environment variable REDIS_HOST is not set", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void A_value_that_is_not_a_well_formed_reference_is_an_error_not_a_crash()
    {
        // SettingValue can be built without the loader (hosts, tests); an unclosed ${ must still be a VarTrackException.
        Assert.Throws<VarTrackException>(() => Resolver().ResolveText(Text("redis://${HOST"), What));
    }

    [Fact]
    public void The_default_environment_is_the_process_environment()
    {
        var name = "VARTRACK_TEST_" + Guid.NewGuid().ToString("N");
        System.Environment.SetEnvironmentVariable(name, "from-process");
        try
        {
            Assert.Equal("x-from-process", new SettingResolver().ResolveText(Text("x-${" + name + "}"), What));
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Resolves_a_secret_reference_from_the_store()
    {
        var value = await Resolver(new FakeSecretStore()).ResolveAsync(Reference("@secret(kv/redis#url)"), What);
        Assert.Equal(Value, value.Reveal());
        Assert.Equal("***", value.ToString());
        Assert.Equal("***", $"{value}");
    }

    [Fact]
    public async Task Results_print_as_a_mask()
    {
        var value = await Resolver().ResolveAsync(Text("pw=${PASSWORD}"), What);
        Assert.Equal("***", value.ToString());
        Assert.Equal("pw=" + Value, value.Reveal());
    }

    [Fact]
    public async Task A_secret_reference_without_a_store_is_an_error()
    {
        var problem = await Fails(Resolver(), Reference("@secret(kv/redis#url)"));
        Assert.Equal("'connection' of sink 'cache' references @secret(kv/redis#url) but no vault is configured", problem.Message);
    }

    [Fact]
    public async Task A_store_failure_is_an_error_naming_the_reference()
    {
        var problem = await Fails(Resolver(new FakeSecretStore()), Reference("@secret(kv/down#url)"));
        Assert.Equal("'connection' of sink 'cache': cannot resolve @secret(kv/down#url): vault is sealed", problem.Message);
    }

    [Fact]
    public async Task A_whole_secret_reference_is_an_error_asking_for_a_key()
    {
        var problem = await Fails(Resolver(new FakeSecretStore()), Reference("@secret(kv/redis)"));
        Assert.Equal("'connection' of sink 'cache': @secret(kv/redis) must name one key of the secret (#key)", problem.Message);
    }

    [Fact]
    public async Task A_missing_key_is_an_error_saying_the_key_is_missing()
    {
        var problem = await Fails(Resolver(new FakeSecretStore()), Reference("@secret(kv/redis#password)"));
        Assert.StartsWith("'connection' of sink 'cache'", problem.Message);
        // Not "must name one key of the secret (#key)": it does name one, and the secret lacks it.
        Assert.Contains("no key 'password'", problem.Message);
    }
}
