using System.Text;
using VarTrack.Core.Drift;
using VarTrack.Core.State;

namespace VarTrack.Core.Tests.Drift;

/// <summary>The applied baseline in the state store: the flag saying its values came from an encrypted file survives a round trip, and baselines written before the flag existed still load.</summary>
public sealed class AppliedBaselineJsonTests
{
    private readonly InMemoryStateStore _state = new();

    [Fact]
    public async Task A_baseline_of_an_encrypted_file_keeps_its_sensitive_flag_through_the_store()
    {
        var store = new BaselineStore(_state);
        await store.SaveAsync(new AppliedBaseline("cache", "app:production", "prod", "envs/Prod/app.yaml", "production")
        {
            ContentHash = "blake3:abc",
            Values = new Dictionary<string, string?> { ["db.password"] = "pl41n", ["db.none"] = null },
            Sensitive = true,
        });

        var json = Encoding.UTF8.GetString((await _state.ReadAsync(BaselineStore.KeyOf("cache", "app:production", "prod", "envs/Prod/app.yaml")))!);
        var loaded = await store.LoadAsync("cache", "app:production", "prod", "envs/Prod/app.yaml");

        Assert.Contains("\"sensitive\":true", json);
        Assert.True(loaded!.Sensitive);
        Assert.Equal(new Dictionary<string, string?> { ["db.password"] = "pl41n", ["db.none"] = null }, loaded.Values);
    }

    [Fact]
    public async Task A_baseline_written_before_the_flag_existed_loads_as_not_sensitive()
    {
        const string old = """
            {"sink":"cache","destination":"app:production","rule":"app","file":"config/app.yaml","environment":"production",
             "applied_at":"2026-01-01T00:00:00+00:00","content_hash":"blake3:abc","values":{"db.host":"h1","db.password":"@secret(kv/app#password)"}}
            """;
        await _state.WriteAsync(BaselineStore.KeyOf("cache", "app:production", "app", "config/app.yaml"), Encoding.UTF8.GetBytes(old));

        var loaded = await new BaselineStore(_state).LoadAsync("cache", "app:production", "app", "config/app.yaml");

        Assert.False(loaded!.Sensitive);
        Assert.Equal(("h1", "blake3:abc"), (loaded.Values["db.host"], loaded.ContentHash));
    }
}
