using System.Text;
using System.Text.Json;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Releases;
using VarTrack.Core.Releases.Age;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Sync;

namespace VarTrack.Core.Tests.Etl;

/// <summary>
/// Every value of an age-encrypted file is a secret: the pipeline hands out <see cref="FlatValue.Secret"/> values, so
/// renderings, plans, change summaries, provenance secret keys and restore plans mask them exactly as resolved
/// <c>@secret(...)</c> values. Null stays null; <c>decrypt.mask: false</c> opts out.
/// </summary>
public sealed class EncryptedValueMaskingTests
{
    private const string ProdFile = "envs/Prod/app.yaml";
    private const string Password = "pl41n-TEXT-never-shown";
    private const string Host = "prod-db-7f3a";
    private static readonly string Plaintext = $"db:\n  host: {Host}\n  password: {Password}\n  empty: \"\"\n  none: null\nport: 5432\n";
    private static readonly AgeIdentity Prod = AgeIdentity.Generate();

    private static byte[] Encrypt(string text) => AgeEncryption.Encrypt(Encoding.UTF8.GetBytes(text), [Prod.Recipient]);

    private static RuleDefinition Rule(string extra = "") => VarTrackConfigLoader.Parse($$"""
        rules:
          - name: prod
            files: ["envs/**"]
            root_key: null
            decrypt: { age_identities: "${AGE_PROD}"{{extra}} }
        """, "vartrack.yaml", Path.GetTempPath()).Rules.Single();

    private static ConfigPipeline Pipeline(ISecretStore? secrets = null) =>
        new(new VarTrackConfig(), secrets, decryption: new AgeFileDecryption(new AgeCipher(),
            new SettingResolver(name => name == "AGE_PROD" ? Prod.ExportIdentityFile(DateTimeOffset.UnixEpoch) : null, secrets)));

    private static RenderRequest Request(RuleDefinition rule, byte[] content) => new(ProdFile, content, rule, SourceRef.None) { Environment = "production" };

    private static Task<RenderedFile> TransformAsync(byte[] content, RuleDefinition? rule = null) => Pipeline().TransformAsync(Request(rule ?? Rule(), content));

    private static void AssertNoPlaintext(string text)
    {
        Assert.DoesNotContain(Password, text);
        Assert.DoesNotContain(Host, text);
    }

    [Fact]
    public async Task Every_value_of_an_encrypted_file_is_a_secret_shown_masked_and_null_stays_null()
    {
        var rendered = await TransformAsync(Encrypt(Plaintext));

        Assert.True(rendered.Sensitive);
        Assert.Equal(["db.host", "db.password", "db.empty", "port"], rendered.Values.Where(v => v.Value.IsSecret).Select(v => v.Key));
        Assert.All(rendered.Values.Where(v => v.Value.IsSecret), v => Assert.Equal(SecretValue.Mask, v.Value.Display));
        Assert.True(rendered.Values["db.none"].IsNull);
        // Sinks and the content hash still get the real values.
        Assert.Equal([Host, Password, "", null, "5432"], rendered.Values.Values.Select(v => v.Reveal()));
        AssertNoPlaintext(JsonSerializer.Serialize(rendered.Values));
        AssertNoPlaintext(string.Join("\n", rendered.Values.Select(v => $"{v.Key}={v.Value}")));
        Assert.Contains("\"db.none\":null", JsonSerializer.Serialize(rendered.Values));
    }

    [Fact]
    public async Task The_same_file_in_plaintext_or_with_mask_false_is_shown_as_written()
    {
        var plain = await TransformAsync(Encoding.UTF8.GetBytes(Plaintext));
        var unmasked = await TransformAsync(Encrypt(Plaintext), Rule(", mask: false"));

        foreach (var rendered in new[] { plain, unmasked })
        {
            Assert.False(rendered.Sensitive);
            Assert.DoesNotContain(rendered.Values, v => v.Value.IsSecret);
            Assert.Equal(Password, rendered.Values["db.password"].Display);
        }
    }

    [Fact]
    public async Task A_secret_reference_in_an_encrypted_file_stays_a_reference_until_resolved_then_is_a_secret_too()
    {
        var content = Encrypt(Plaintext + "token: \"@secret(kv/app#token)\"\n");

        var transformed = await TransformAsync(content);
        var rendered = await Pipeline(new OneSecret()).RenderAsync(Request(Rule(), content));

        Assert.Equal(["token"], transformed.UnresolvedSecretKeys);
        Assert.Equal("@secret(kv/app#token)", transformed.Values["token"].Display);
        Assert.True(rendered.Sensitive);
        Assert.Equal(("vault-token-value", SecretValue.Mask), (rendered.Values["token"].Reveal(), rendered.Values["token"].Display));
        Assert.True(rendered.Values["db.password"].IsSecret);
    }

    [Fact]
    public async Task A_plan_shows_only_masks_and_lists_every_non_null_key_as_secret_for_the_provenance()
    {
        var rendered = await TransformAsync(Encrypt(Plaintext));
        var current = new Snapshot(new Dictionary<string, FlatValue>
        {
            ["db.host"] = FlatValue.Text("old-db-host"),
            ["port"] = FlatValue.Text("5432"),
        }, null);

        var plan = Planner.Plan(rendered.Values, current, PlanOptions.Default);

        Assert.Equal(["~ db.host: *** -> ***", "+ db.password = ***", "+ db.empty = ***", "+ db.none = null"], plan.Changes.Select(c => c.ToString()));
        Assert.Equal(new HashSet<string> { "db.host", "db.password", "db.empty", "port" }, plan.SecretKeys);
        var summary = JsonSerializer.Serialize(ChangeSummary.Of(plan), StateJson.Options);
        AssertNoPlaintext(summary);
        Assert.DoesNotContain("old-db-host", summary);
    }

    [Fact]
    public async Task A_restore_plan_masks_the_keys_the_provenance_recorded_as_secret()
    {
        var rendered = await TransformAsync(Encrypt(Plaintext));
        var plan = Planner.Plan(rendered.Values, Snapshot.Empty, PlanOptions.Default);
        // What a sync leaves behind: the written values and the provenance listing the plan's secret keys.
        var written = new Snapshot(rendered.Values.ToDictionary(v => v.Key, v => FlatValue.From(v.Value.Reveal())), new Provenance
        {
            Rule = "prod",
            Environment = "production",
            SourceFile = ProdFile,
            ContentHash = plan.ContentHash,
            OwnedKeys = new HashSet<string>(rendered.Values.Keys),
            SecretKeys = plan.SecretKeys,
        });
        var before = new Snapshot(new Dictionary<string, FlatValue> { ["db.host"] = FlatValue.Text("old-db-host") }, null);

        var restore = RestorePlan.Between(written, before);

        Assert.Equal(["~ db.host: *** -> ***", "- db.password (was ***)", "- db.empty (was ***)", "- db.none (was null)", "- port (was ***)"],
            restore.Changes.Select(c => c.ToString()));
        AssertNoPlaintext(JsonSerializer.Serialize(ChangeSummary.Of(restore), StateJson.Options));
    }

    private sealed class OneSecret : ISecretStore
    {
        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, SecretValue>>(new Dictionary<string, SecretValue> { ["token"] = new("vault-token-value") });
    }
}
