using System.Text;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;
using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

/// <summary>The checks every platform goes through, driven with small GitHub-shaped deliveries.</summary>
public sealed class WebhookHandlerTests
{
    private const string Commit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

    private static string Push(string repository = "acme/app", string reference = "refs/heads/main") => $$"""
        {
          "ref": "{{reference}}",
          "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
          "after": "{{Commit}}",
          "repository": { "full_name": "{{repository}}", "clone_url": "https://github.com/{{repository}}.git" },
          "commits": [ { "id": "{{Commit}}", "added": [], "removed": [], "modified": ["config/app.yaml"] } ],
          "head_commit": { "id": "{{Commit}}", "added": [], "removed": [], "modified": ["config/app.yaml"] }
        }
        """;

    private static Dictionary<string, string> Headers(string body, string delivery = "d-1", string secret = Secret) => new()
    {
        ["X-GitHub-Event"] = "push",
        ["X-GitHub-Delivery"] = delivery,
        ["X-Hub-Signature-256"] = "sha256=" + HmacHex(body, secret),
    };

    private readonly WebhookTestKit _kit = new();

    [Theory]
    [InlineData("gitbucket")]
    [InlineData("")]
    public async Task An_unknown_platform_is_404_naming_the_known_ones(string platform)
    {
        var body = Push();
        var response = await _kit.SendAsync(platform, Headers(body), body);

        AssertRefused(response, 404, "unknown_platform", $"unknown webhook platform '{platform}' (known: github, gitlab, gitea, bitbucket)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_long_unknown_platform_name_is_cut_in_the_message()
    {
        var platform = new string('x', 500);
        var response = await _kit.SendAsync(platform, new Dictionary<string, string>(), "{}");

        Assert.Equal(404, response.StatusCode);
        Assert.Contains($"'{new string('x', 40)}...'", response.Body.Message);
    }

    [Fact]
    public async Task The_platform_name_is_case_insensitive()
    {
        var body = Push();
        var response = await _kit.SendAsync("GitHub", Headers(body), body);

        Assert.Equal("github", Assert.Single(_kit.AssertStarted(response, "github")).Platform);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_before_anything_else()
    {
        var kit = new WebhookTestKit(options: new WebhookOptions { MaxPayloadBytes = 1024 });
        var body = Encoding.UTF8.GetBytes(Push().PadRight(1025));
        var response = await kit.SendAsync("github", Headers(Encoding.UTF8.GetString(body)), body);

        AssertRefused(response, 413, "payload_too_large", "the github payload is 1025 bytes; the limit is 1024 bytes");
        await kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_body_at_the_limit_is_accepted()
    {
        var kit = new WebhookTestKit(options: new WebhookOptions { MaxPayloadBytes = 1024 });
        var body = Push().PadRight(1024);
        Assert.Equal(202, (await kit.SendAsync("github", Headers(body), body)).StatusCode);
    }

    [Fact]
    public void The_default_limit_is_5_MiB()
    {
        Assert.Equal(5 * 1024 * 1024, new WebhookOptions().MaxPayloadBytes);
    }

    [Fact]
    public async Task A_platform_without_a_secret_is_403_even_with_no_signature_at_all()
    {
        var kit = new WebhookTestKit($$"""
            webhooks:
              github: { secret: "{{Secret}}" }
            rules:
              - name: app
            """);
        var response = await kit.SendAsync("gitlab", new Dictionary<string, string> { ["X-Gitlab-Event"] = "Push Hook", ["X-Gitlab-Event-UUID"] = "u-1" }, "{}");

        AssertRefused(response, 403, "webhook_secret_not_configured", "no webhook secret is configured for gitlab; set webhooks.gitlab.secret in vartrack.yaml");
        await kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_secret_from_the_environment_verifies()
    {
        var kit = new WebhookTestKit("""
            webhooks:
              github: { secret: "${GITHUB_WEBHOOK_SECRET}" }
            rules:
              - name: app
            """, environment: name => name == "GITHUB_WEBHOOK_SECRET" ? Secret : null);
        var body = Push();

        Assert.Equal(202, (await kit.SendAsync("github", Headers(body), body)).StatusCode);
        Assert.Equal(401, (await kit.SendAsync("github", Headers(body, "d-2", OtherSecret), body)).StatusCode);
    }

    [Fact]
    public async Task A_secret_that_resolves_to_nothing_is_403_not_an_open_door()
    {
        // An empty HMAC key would let anyone sign.
        var kit = new WebhookTestKit("""
            webhooks:
              github: { secret: "${GITHUB_WEBHOOK_SECRET}" }
            rules:
              - name: app
            """, environment: _ => "");
        var body = Push();
        var response = await kit.SendAsync("github", Headers(body, secret: ""), body);

        AssertRefused(response, 403, "webhook_secret_not_configured", "the webhook secret configured for github is empty; set webhooks.github.secret in vartrack.yaml");
        await kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_secret_that_cannot_be_resolved_is_500_without_naming_the_variable()
    {
        var kit = new WebhookTestKit("""
            webhooks:
              github: { secret: "${GITHUB_WEBHOOK_SECRET}" }
            rules:
              - name: app
            """);
        var body = Push();
        var response = await kit.SendAsync("github", Headers(body), body);

        AssertRefused(response, 500, "webhook_secret_unavailable", "the webhook secret for github cannot be resolved; see the server log");
        Assert.DoesNotContain("GITHUB_WEBHOOK_SECRET", response.ToJson());
        await kit.AssertNothingHappenedAsync();
    }

    [Theory]
    [InlineData("{\"ref\": ", "the body is not valid JSON (line 1, byte 9); configure the webhook to send application/json")]
    [InlineData("payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D", "the body is not valid JSON (line 1, byte 1); configure the webhook to send application/json")]
    [InlineData("", "the body is not valid JSON (line 1, byte 1); configure the webhook to send application/json")]
    [InlineData("[{\"ref\":\"refs/heads/main\"}]", "the body must be a JSON object, not an array")]
    [InlineData("\"push\"", "the body must be a JSON object, not a single value")]
    [InlineData("null", "the body must be a JSON object, not a single value")]
    public async Task A_body_that_is_not_a_json_object_is_400(string body, string message)
    {
        var response = await _kit.SendAsync("github", Headers(body), body);

        AssertRefused(response, 400, "malformed_payload", message);
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_field_is_400_naming_the_field()
    {
        var body = Encoding.UTF8.GetBytes(Push().Replace("acme/app\",", "acme/\u0001\","));
        var at = Array.IndexOf(body, (byte)1);
        body[at] = 0xC3;
        body = [.. body[..(at + 1)], 0x28, .. body[(at + 1)..]];
        var headers = new Dictionary<string, string> { ["X-GitHub-Event"] = "push", ["X-GitHub-Delivery"] = "d-1", ["X-Hub-Signature-256"] = "sha256=" + HmacHex(body) };
        var response = await _kit.SendAsync("github", headers, body);

        AssertRefused(response, 400, "malformed_payload", "'repository.full_name' is not valid UTF-8");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_byte_order_mark_before_the_json_is_accepted()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Push())];
        var headers = new Dictionary<string, string> { ["X-GitHub-Event"] = "push", ["X-GitHub-Delivery"] = "d-1", ["X-Hub-Signature-256"] = "sha256=" + HmacHex(body) };

        Assert.Equal(202, (await _kit.SendAsync("github", headers, body)).StatusCode);
    }

    [Fact]
    public async Task A_redelivery_is_a_duplicate_naming_the_first_syncs_and_starts_nothing_more()
    {
        var body = Push();
        var first = await _kit.SendAsync("github", Headers(body), body);
        var again = await _kit.SendAsync("github", Headers(body), body);

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(200, again.StatusCode);
        Assert.Equal($$"""{"duplicate":true,"sync_ids":["{{first.SyncIds[0]}}"]}""", again.ToJson());
        Assert.Equal(first.SyncIds, again.SyncIds);
        Assert.Single(_kit.Starter.Calls);
    }

    [Fact]
    public async Task The_same_commit_in_another_delivery_is_started_again_under_the_same_sync_id()
    {
        var body = Push();
        var first = await _kit.SendAsync("github", Headers(body, "d-1"), body);
        var second = await _kit.SendAsync("github", Headers(body, "d-2"), body);

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(202, second.StatusCode);
        Assert.Equal(first.SyncIds, second.SyncIds);
        Assert.Equal(2, _kit.Starter.Calls.Count);
        Assert.All(_kit.Starter.Calls, c => Assert.Equal(SyncIds.For("acme/app", "refs/heads/main", Commit), c.SyncId));
        Assert.Equal(2, (await _kit.DeliveryKeysAsync()).Count);
    }

    [Fact]
    public async Task Concurrent_copies_of_one_delivery_start_once()
    {
        var body = Push();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _kit.SendAsync("github", Headers(body), body)));

        Assert.Single(answers, a => a.StatusCode == 202);
        Assert.Equal(7, answers.Count(a => a.Body.Duplicate == true));
        Assert.Single(_kit.Starter.Calls);
    }

    [Fact]
    public async Task A_repository_no_rule_tracks_is_ignored()
    {
        var body = Push("someone/else");
        var response = await _kit.SendAsync("github", Headers(body), body);

        AssertIgnored(response, "no rule tracks repository 'someone/else' on github");
        Assert.Empty(_kit.Starter.Calls);
    }

    [Fact]
    public async Task A_rule_without_file_globs_tracks_every_changed_file()
    {
        var kit = new WebhookTestKit($$"""
            webhooks:
              github: { secret: "{{Secret}}" }
            rules:
              - name: any
                repositories: ["acme/app"]
            """);
        var body = Push().Replace("config/app.yaml", "anything/at/all.txt");
        Assert.Equal(202, (await kit.SendAsync("github", Headers(body), body)).StatusCode);
    }

    [Fact]
    public async Task A_rule_for_the_same_platform_tracks_the_repository()
    {
        var kit = new WebhookTestKit($$"""
            webhooks:
              github: { secret: "{{Secret}}" }
            rules:
              - name: other
                platform: gitlab
                repositories: ["acme/app"]
              - name: mine
                platform: github
                repositories: ["acme/*"]
                files: ["config/*.yaml"]
            """);
        var body = Push();
        Assert.Equal(202, (await kit.SendAsync("github", Headers(body), body)).StatusCode);
    }

    [Fact]
    public async Task A_ref_that_is_neither_branch_nor_tag_is_ignored()
    {
        var body = Push(reference: "refs/notes/commits");
        var response = await _kit.SendAsync("github", Headers(body), body);

        AssertIgnored(response, "ref 'refs/notes/commits' is neither a branch nor a tag");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task When_starting_fails_the_delivery_is_forgotten_so_the_retry_starts_it()
    {
        var body = Push();
        _kit.Starter.FailNext = new InvalidOperationException("queue unavailable");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _kit.SendAsync("github", Headers(body), body));
        Assert.Empty(await _kit.DeliveryKeysAsync());

        var retry = await _kit.SendAsync("github", Headers(body), body);
        Assert.Equal(202, retry.StatusCode);
        Assert.Single(_kit.Starter.Calls);
    }

    [Fact]
    public async Task A_delivery_id_longer_than_the_limit_is_refused()
    {
        var body = Push();
        var response = await _kit.SendAsync("github", Headers(body, new string('a', 201)), body);

        AssertRefused(response, 400, "invalid_delivery_id", "the github delivery id is longer than 200 characters");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_delivery_id_with_any_characters_makes_a_safe_state_key()
    {
        var body = Push();
        var response = await _kit.SendAsync("github", Headers(body, "../../etc/passwd"), body);

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("deliveries/github/.2E.2E.2F.2E.2E.2Fetc.2Fpasswd", Assert.Single(await _kit.DeliveryKeysAsync()));
    }

    [Fact]
    public async Task The_started_answer_has_snake_case_fields_and_the_configured_status_url()
    {
        var kit = new WebhookTestKit(options: new WebhookOptions { StatusUrl = id => $"https://vartrack.example.com/api/syncs/{id}" });
        var body = Push();
        var response = await kit.SendAsync("github", Headers(body), body);

        var id = SyncIds.For("acme/app", "refs/heads/main", Commit);
        Assert.Equal(
            $$"""{"sync_id":"{{id}}","status_url":"https://vartrack.example.com/api/syncs/{{id}}","sync_ids":["{{id}}"],"status_urls":["https://vartrack.example.com/api/syncs/{{id}}"]}""",
            response.ToJson());
    }

    [Fact]
    public async Task An_error_answer_has_only_error_and_message()
    {
        var body = Push();
        var response = await _kit.SendAsync("github", Headers(body, secret: OtherSecret), body);

        Assert.Equal("""{"error":"bad_signature","message":"the X-Hub-Signature-256 header does not match the configured github webhook secret"}""", response.ToJson());
    }

    [Fact]
    public async Task Signature_checks_come_before_the_payload_is_read()
    {
        const string body = "not json at all";
        var response = await _kit.SendAsync("github", Headers(body, secret: OtherSecret), body);

        Assert.Equal(401, response.StatusCode);
    }

    [Fact]
    public async Task Headers_sent_twice_are_joined_so_a_doubled_signature_fails()
    {
        var body = Push();
        var signature = "sha256=" + HmacHex(body);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("X-GitHub-Event", "push"),
            new("X-GitHub-Delivery", "d-1"),
            new("X-Hub-Signature-256", signature),
            new("x-hub-signature-256", signature),
        };
        var response = await _kit.SendAsync("github", headers, Encoding.UTF8.GetBytes(body));

        Assert.Equal(401, response.StatusCode);
    }
}
