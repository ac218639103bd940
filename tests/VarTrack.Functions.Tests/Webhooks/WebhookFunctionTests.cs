using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using VarTrack.Core.Config;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Orchestrations;
using VarTrack.Functions.Webhooks;

namespace VarTrack.Functions.Tests.Webhooks;

public sealed class WebhookFunctionTests
{
    private const string Secret = "whsec-7Qp2Lx9vK3mN8rT4";
    private const string Commit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    private static readonly string ExpectedSyncId = SyncIds.For("acme/app", "refs/heads/main", Commit);

    private const string Yaml = $$"""
        webhooks:
          github: { secret: "{{Secret}}" }
        rules:
          - name: app
            repositories: ["acme/**"]
            files: ["config/**"]
        """;

    private const string Push = $$"""
        {
          "ref": "refs/heads/main",
          "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
          "after": "{{Commit}}",
          "repository": { "full_name": "acme/app", "clone_url": "https://github.com/acme/app.git" },
          "commits": [
            { "id": "{{Commit}}", "added": ["config/staging.yaml"], "removed": [], "modified": ["config/app.yaml"] }
          ],
          "head_commit": { "id": "{{Commit}}" }
        }
        """;

    private readonly InMemoryStateStore _state = new();
    private readonly DurableClientFake _durable = new();
    private readonly WebhookFunction _function;

    public WebhookFunctionTests()
    {
        var config = VarTrackConfigLoader.Parse(Yaml, "vartrack.yaml", Path.GetTempPath());
        var options = new WebhookOptions { MaxPayloadBytes = 4096 };
        _function = new WebhookFunction(new WebhookHandlerFactory(config, _state, new FixedTimeProvider(Now), options, NullLogger<WebhookHandler>.Instance), options);
    }

    [Fact]
    public async Task A_signed_push_answers_202_and_schedules_one_orchestration_named_by_the_sync_id()
    {
        var (result, http) = await DeliverAsync(Push, "delivery-1");

        Assert.Equal(202, result.StatusCode);
        using var body = JsonDocument.Parse(result.Content!);
        Assert.Equal(ExpectedSyncId, body.RootElement.GetProperty("sync_id").GetString());
        Assert.Equal($"/api/syncs/{ExpectedSyncId}", body.RootElement.GetProperty("status_url").GetString());
        Assert.Equal($"/api/syncs/{ExpectedSyncId}", http.Response.Headers.Location.ToString());
        Assert.Equal(ApiResults.JsonContentType, result.ContentType);

        var scheduled = Assert.Single(_durable.Scheduled);
        Assert.Equal(SyncOrchestrator.Name, scheduled.Name);
        Assert.Equal(ExpectedSyncId, scheduled.Options?.InstanceId);
        var request = Assert.IsType<SyncRequest>(scheduled.Input);
        Assert.Equal((ExpectedSyncId, "acme/app", "https://github.com/acme/app.git", "refs/heads/main", Commit, "github", Now),
            (request.SyncId, request.Repository, request.CloneUrl, request.Ref, request.Commit, request.Platform, request.RequestedAt));
        Assert.DoesNotContain(Secret, result.Content!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_delivery_again_schedules_nothing()
    {
        await DeliverAsync(Push, "delivery-1");

        var (again, _) = await DeliverAsync(Push, "delivery-1");

        Assert.Equal(200, again.StatusCode);
        using var body = JsonDocument.Parse(again.Content!);
        Assert.True(body.RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Single(_durable.Scheduled);
    }

    [Fact]
    public async Task The_same_push_under_a_new_delivery_id_finds_the_orchestration_and_schedules_nothing()
    {
        await DeliverAsync(Push, "delivery-1");

        var (again, _) = await DeliverAsync(Push, "delivery-2");

        Assert.Equal(202, again.StatusCode);
        Assert.Single(_durable.Scheduled);
        Assert.Contains(ExpectedSyncId, _durable.Looked);
    }

    [Fact]
    public async Task A_bad_signature_is_refused_and_schedules_nothing()
    {
        var (result, _) = await DeliverAsync(Push, "delivery-1", signature: Sign(Push, "whsec-not-the-configured-one"));

        Assert.Equal(401, result.StatusCode);
        using var body = JsonDocument.Parse(result.Content!);
        Assert.Equal("bad_signature", body.RootElement.GetProperty("error").GetString());
        Assert.Empty(_durable.Scheduled);
        Assert.Empty(_durable.Looked);
        Assert.Empty(await _state.ListAsync("deliveries"));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read_whole()
    {
        var large = Push + new string(' ', 5000);

        var (result, _) = await DeliverAsync(large, "delivery-1");

        Assert.Equal(413, result.StatusCode);
        using var body = JsonDocument.Parse(result.Content!);
        Assert.Equal("payload_too_large", body.RootElement.GetProperty("error").GetString());
        Assert.Empty(_durable.Scheduled);
    }

    [Fact]
    public async Task An_unknown_platform_is_404()
    {
        var (result, _) = await DeliverAsync(Push, "delivery-1", platform: "svn");

        Assert.Equal(404, result.StatusCode);
        Assert.Empty(_durable.Scheduled);
    }

    private async Task<(ContentResult Result, HttpContext Http)> DeliverAsync(string payload, string delivery, string? signature = null, string platform = "github")
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream(bytes);
        http.Request.Headers["X-GitHub-Event"] = "push";
        http.Request.Headers["X-GitHub-Delivery"] = delivery;
        http.Request.Headers["X-Hub-Signature-256"] = signature ?? Sign(payload, Secret);
        var result = await _function.RunAsync(http.Request, platform, _durable.Client, CancellationToken.None);
        return (Assert.IsType<ContentResult>(result), http);
    }

    private static string Sign(string payload, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));
}
