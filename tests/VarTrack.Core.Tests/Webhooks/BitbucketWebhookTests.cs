using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

public sealed class BitbucketWebhookTests
{
    private const string MainOld = "1e65c05c1d5171631d92438a13901ca7dae9618c";
    private const string MainNew = "03f4a7270240708834de475bcf21532d6134777e";
    private const string TagTarget = "c8c6a3e1b5d4f7e9a0b1c2d3e4f5a6b7c8d9e0f1";
    private const string DeletedOld = "5e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";

    private static string Change(string type, string name, string? newHash, string? oldHash) => $$"""
        {
          "new": {{(newHash is null ? "null" : $$"""{ "type": "{{type}}", "name": "{{name}}", "target": { "type": "commit", "hash": "{{newHash}}", "message": "Update config\n", "date": "2025-03-14T09:20:11+00:00" }, "links": { "html": { "href": "https://bitbucket.org/acme/app/branch/{{name}}" } } }""")}},
          "old": {{(oldHash is null ? "null" : $$"""{ "type": "{{type}}", "name": "{{name}}", "target": { "type": "commit", "hash": "{{oldHash}}" } }""")}},
          "created": {{(oldHash is null ? "true" : "false")}},
          "closed": {{(newHash is null ? "true" : "false")}},
          "forced": false,
          "truncated": false,
          "commits": []
        }
        """;

    // Shaped like Bitbucket Cloud's documented repo:push payload.
    private static string Push(params string[] changes) => $$"""
        {
          "push": { "changes": [{{string.Join(",", changes)}}] },
          "actor": { "type": "user", "display_name": "Jane Doe", "uuid": "{a1b2c3d4-0000-0000-0000-000000000000}" },
          "repository": {
            "type": "repository",
            "full_name": "acme/app",
            "name": "app",
            "uuid": "{5f1b4c8e-1111-2222-3333-444455556666}",
            "is_private": true,
            "workspace": { "slug": "acme", "type": "workspace" },
            "links": {
              "self": { "href": "https://api.bitbucket.org/2.0/repositories/acme/app" },
              "html": { "href": "https://bitbucket.org/acme/app" },
              "avatar": { "href": "https://bytebucket.org/ravatar/%7B5f1b4c8e%7D" }
            }
          }
        }
        """;

    private const string PrSource = "b2c3d4e5f6a7";

    private const string PullRequest = $$"""
        {
          "pullrequest": {
            "id": 5,
            "title": "Raise limits",
            "state": "OPEN",
            "source": {
              "branch": { "name": "raise-limits" },
              "commit": { "type": "commit", "hash": "{{PrSource}}" },
              "repository": { "full_name": "acme/app" }
            },
            "destination": {
              "branch": { "name": "main" },
              "commit": { "type": "commit", "hash": "03f4a7270240" },
              "repository": { "full_name": "acme/app" }
            }
          },
          "actor": { "type": "user", "display_name": "Jane Doe" },
          "repository": {
            "full_name": "acme/app",
            "links": { "html": { "href": "https://bitbucket.org/acme/app" } }
          }
        }
        """;

    private static Dictionary<string, string> Headers(string body, string eventKey = "repo:push", string requestUuid = "d6f3c2a1-7e8b-4c5d-9f0a-1b2c3d4e5f60") => new()
    {
        ["X-Event-Key"] = eventKey,
        ["X-Request-UUID"] = requestUuid,
        ["X-Hook-UUID"] = "{8a4e1c37-5b2d-4f6e-9a0b-c1d2e3f4a5b6}",
        ["X-Attempt-Number"] = "1",
        ["X-Hub-Signature"] = "sha256=" + HmacHex(body),
        ["User-Agent"] = "Bitbucket-Webhooks/2.0",
        ["Content-Type"] = "application/json",
    };

    private readonly WebhookTestKit _kit = new();

    [Fact]
    public async Task A_branch_push_starts_one_sync_with_an_unknown_file_list()
    {
        var body = Push(Change("branch", "main", MainNew, MainOld));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        var request = Assert.Single(_kit.AssertStarted(response, "bitbucket"));
        AssertRequest(request, "acme/app", "https://bitbucket.org/acme/app.git", "refs/heads/main", MainNew);
        Assert.Null(request.ChangedFiles);
    }

    [Fact]
    public async Task A_push_of_several_refs_starts_one_sync_per_ref_and_skips_deleted_ones()
    {
        var body = Push(
            Change("branch", "main", MainNew, MainOld),
            Change("branch", "feature/old", null, DeletedOld),
            Change("tag", "v1.0.0", TagTarget, null));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        var requests = _kit.AssertStarted(response, "bitbucket", count: 2);
        AssertRequest(requests[0], "acme/app", "https://bitbucket.org/acme/app.git", "refs/heads/main", MainNew);
        AssertRequest(requests[1], "acme/app", "https://bitbucket.org/acme/app.git", "refs/tags/v1.0.0", TagTarget);
        var json = Json(response);
        Assert.Equal(2, json.GetProperty("sync_ids").GetArrayLength());
        Assert.Equal(2, json.GetProperty("status_urls").GetArrayLength());
    }

    [Fact]
    public async Task A_push_that_only_deletes_is_ignored()
    {
        var body = Push(Change("branch", "feature/old", null, DeletedOld));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        AssertIgnored(response, "branch 'feature/old' was deleted");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_tag_push_syncs_the_tag_ref()
    {
        var body = Push(Change("tag", "v1.0.0", TagTarget, null));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        AssertRequest(Assert.Single(_kit.AssertStarted(response, "bitbucket")), "acme/app", "https://bitbucket.org/acme/app.git", "refs/tags/v1.0.0", TagTarget);
    }

    [Theory]
    [InlineData("pullrequest:created")]
    [InlineData("pullrequest:updated")]
    public async Task A_pull_request_syncs_its_source_commit_as_pull_request_ref(string eventKey)
    {
        var response = await _kit.SendAsync("bitbucket", Headers(PullRequest, eventKey), PullRequest);

        var request = Assert.Single(_kit.AssertStarted(response, "bitbucket"));
        AssertRequest(request, "acme/app", "https://bitbucket.org/acme/app.git", "refs/pull/5/head", PrSource);
    }

    [Fact]
    public async Task Other_pull_request_events_are_ignored()
    {
        var response = await _kit.SendAsync("bitbucket", Headers(PullRequest, "pullrequest:fulfilled"), PullRequest);

        AssertIgnored(response, "bitbucket event 'pullrequest:fulfilled' is not handled (handled: repo:push, pullrequest:created, pullrequest:updated, diagnostics:ping)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_ping_is_answered_with_pong()
    {
        const string body = """{"actor":{"type":"user"}}""";
        var response = await _kit.SendAsync("bitbucket", Headers(body, "diagnostics:ping"), body);

        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Body.Pong);
        await _kit.AssertNothingHappenedAsync();
    }

    [Theory]
    [InlineData("sha1=", Secret, "the X-Hub-Signature header does not match the configured bitbucket webhook secret")]
    [InlineData("sha256=", OtherSecret, "the X-Hub-Signature header does not match the configured bitbucket webhook secret")]
    [InlineData(null, Secret, "the X-Hub-Signature header is missing; configure the bitbucket webhook with the secret set in vartrack.yaml")]
    public async Task A_bad_or_missing_signature_is_refused(string? prefix, string secret, string message)
    {
        var body = Push(Change("branch", "main", MainNew, MainOld));
        var headers = Headers(body);
        if (prefix is null) headers.Remove("X-Hub-Signature");
        else headers["X-Hub-Signature"] = prefix + HmacHex(body, secret);
        var response = await _kit.SendAsync("bitbucket", headers, body);

        AssertRefused(response, 401, "bad_signature", message);
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task The_hook_uuid_is_not_a_delivery_id()
    {
        var body = Push(Change("branch", "main", MainNew, MainOld));
        var headers = Headers(body);
        headers.Remove("X-Request-UUID");
        var response = await _kit.SendAsync("bitbucket", headers, body);

        AssertRefused(response, 400, "missing_delivery_id", "the bitbucket delivery id header is missing (X-Request-UUID)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_change_without_its_target_hash_is_refused_naming_the_path()
    {
        var body = Edit(Push(Change("branch", "main", MainNew, MainOld), Change("tag", "v1", TagTarget, null)),
            p => p["push"]!["changes"]![1]!["new"]!["target"]!.AsObject().Remove("hash"));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        AssertRefused(response, 400, "malformed_payload", "'push.changes[1].new.target.hash' is missing");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_push_without_changes_is_refused()
    {
        var body = Edit(Push(), p => p["push"]!.AsObject().Remove("changes"));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        AssertRefused(response, 400, "malformed_payload", "'push.changes' is missing");
    }

    [Fact]
    public async Task A_repository_without_its_html_link_is_refused()
    {
        var body = Edit(Push(Change("branch", "main", MainNew, MainOld)), p => p["repository"]!.AsObject().Remove("links"));
        var response = await _kit.SendAsync("bitbucket", Headers(body), body);

        AssertRefused(response, 400, "malformed_payload", "'repository.links' is missing");
    }
}
