using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VarTrack.Core.Config;
using VarTrack.Core.Git;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Tests.Webhooks;

/// <summary>
/// A handler over an in-memory state store and a recording starter, with a config tracking <c>acme/**</c>
/// (files under <c>config/</c>) on every platform. Every answer it returns has been checked not to contain a secret.
/// </summary>
public sealed class WebhookTestKit
{
    public const string Secret = "whsec-7Qp2Lx9vK3mN8rT4";
    public const string OtherSecret = "whsec-not-the-configured-one";
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public const string DefaultYaml = $$"""
        webhooks:
          github: { secret: "{{Secret}}" }
          gitlab: { secret: "{{Secret}}" }
          gitea: { secret: "{{Secret}}" }
          bitbucket: { secret: "{{Secret}}" }
        rules:
          - name: app
            repositories: ["acme/**"]
            files: ["config/**"]
        """;

    private readonly WebhookHandler _handler;

    public WebhookTestKit(string yaml = DefaultYaml, WebhookOptions? options = null, Func<string, string?>? environment = null)
    {
        Config = VarTrackConfigLoader.Parse(yaml, "vartrack.yaml", Path.GetTempPath());
        _handler = new WebhookHandler(Config, new SettingResolver(environment ?? (_ => null)), State, Starter, new FixedTimeProvider(Now), options);
    }

    public VarTrackConfig Config { get; }

    public InMemoryStateStore State { get; } = new();

    public RecordingSyncStarter Starter { get; } = new();

    public async Task<WebhookResponse> SendAsync(string platform, IEnumerable<KeyValuePair<string, string>> headers, byte[] body)
    {
        var response = await _handler.HandleAsync(new IncomingWebhook(platform, headers, body, "203.0.113.7"));
        var json = response.ToJson();
        Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherSecret, json, StringComparison.Ordinal);
        return response;
    }

    public Task<WebhookResponse> SendAsync(string platform, Dictionary<string, string> headers, string body) =>
        SendAsync(platform, headers, Encoding.UTF8.GetBytes(body));

    public static string HmacHex(string body, string secret = Secret) => HmacHex(Encoding.UTF8.GetBytes(body), secret);

    public static string HmacHex(byte[] body, string secret = Secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Parses a payload so a test can change or remove fields, then serialises it back.</summary>
    public static string Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }

    // Assertions shared by the platform tests.

    /// <summary>The keys of the delivery records written so far.</summary>
    public Task<IReadOnlyList<string>> DeliveryKeysAsync() => State.ListAsync("deliveries");

    public async Task AssertNothingHappenedAsync()
    {
        Assert.Empty(Starter.Calls);
        Assert.Empty(await DeliveryKeysAsync());
    }

    public static void AssertRefused(WebhookResponse response, int status, string error, string message)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, response.Body.Error);
        Assert.Equal(message, response.Body.Message);
        Assert.Empty(response.SyncIds);
    }

    public static void AssertIgnored(WebhookResponse response, string reason)
    {
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(reason, response.Body.Ignored);
        Assert.Null(response.Body.Error);
        Assert.Empty(response.SyncIds);
    }

    /// <summary>202 naming exactly the starter's requests, and the request fields that are the same for every webhook.</summary>
    public IReadOnlyList<SyncRequest> AssertStarted(WebhookResponse response, string platform, int count = 1)
    {
        Assert.Equal(202, response.StatusCode);
        var calls = Starter.Calls;
        Assert.Equal(count, calls.Count);
        var ids = calls.Select(c => c.SyncId).ToList();
        Assert.Equal(ids, response.SyncIds);
        Assert.Equal(ids, response.Body.SyncIds);
        Assert.Equal(ids[0], response.Body.SyncId);
        Assert.Equal($"/api/syncs/{ids[0]}", response.Body.StatusUrl);
        Assert.Equal(ids.Select(id => $"/api/syncs/{id}"), response.Body.StatusUrls);
        foreach (var call in calls)
        {
            Assert.Equal(SyncIds.For(call.Repository, call.Ref, call.Commit), call.SyncId);
            Assert.Equal(platform, call.Platform);
            Assert.Equal("webhook", call.Trigger);
            Assert.Equal(Now, call.RequestedAt);
            Assert.Null(call.Files);
        }
        return calls;
    }

    public static void AssertRequest(SyncRequest request, string repository, string cloneUrl, string reference, string commit)
    {
        Assert.Equal(repository, request.Repository);
        Assert.Equal(cloneUrl, request.CloneUrl);
        Assert.Equal(reference, request.Ref);
        Assert.Equal(commit, request.Commit);
    }

    public static GitFileChange Added(string path) => new(path, GitChangeKind.Added);

    public static GitFileChange Modified(string path) => new(path, GitChangeKind.Modified);

    public static GitFileChange Deleted(string path) => new(path, GitChangeKind.Deleted);

    public static JsonElement Json(WebhookResponse response) => JsonDocument.Parse(response.ToJson()).RootElement.Clone();
}
