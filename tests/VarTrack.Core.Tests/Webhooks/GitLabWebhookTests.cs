using System.Text.Json.Nodes;
using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

public sealed class GitLabWebhookTests
{
    private const string Before = "95790bf891e76fee5e1747ab589903a6a1f80f22";
    private const string After = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";

    // Shaped like GitLab's documented Push Hook payload.
    private const string Push = $$"""
        {
          "object_kind": "push",
          "event_name": "push",
          "before": "{{Before}}",
          "after": "{{After}}",
          "ref": "refs/heads/main",
          "ref_protected": true,
          "checkout_sha": "{{After}}",
          "user_id": 4,
          "user_name": "John Smith",
          "user_username": "jsmith",
          "project_id": 15,
          "project": {
            "id": 15,
            "name": "App",
            "web_url": "https://gitlab.example.com/acme/platform/app",
            "git_ssh_url": "git@gitlab.example.com:acme/platform/app.git",
            "git_http_url": "https://gitlab.example.com/acme/platform/app.git",
            "namespace": "Platform",
            "path_with_namespace": "acme/platform/app",
            "default_branch": "main"
          },
          "commits": [
            {
              "id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
              "message": "Update database settings",
              "title": "Update database settings",
              "timestamp": "2025-03-14T10:20:11+01:00",
              "url": "https://gitlab.example.com/acme/platform/app/-/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
              "author": { "name": "Jordi Mallach", "email": "jordi@example.com" },
              "added": ["config/db.yaml"],
              "modified": ["config/app.yaml"],
              "removed": []
            },
            {
              "id": "{{After}}",
              "message": "Drop the legacy settings",
              "title": "Drop the legacy settings",
              "timestamp": "2025-03-14T10:24:40+01:00",
              "url": "https://gitlab.example.com/acme/platform/app/-/commit/{{After}}",
              "author": { "name": "GitLab dev user", "email": "gitlabdev@example.com" },
              "added": ["config/legacy.yaml"],
              "modified": ["config/db.yaml"],
              "removed": ["config/app.yaml", "config/legacy.yaml"]
            }
          ],
          "total_commits_count": 2,
          "repository": {
            "name": "App",
            "url": "git@gitlab.example.com:acme/platform/app.git",
            "homepage": "https://gitlab.example.com/acme/platform/app",
            "git_http_url": "https://gitlab.example.com/acme/platform/app.git",
            "git_ssh_url": "git@gitlab.example.com:acme/platform/app.git"
          }
        }
        """;

    private const string TagObject = "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7";

    // An annotated tag: 'after' names the tag object, checkout_sha the commit.
    private const string TagPush = $$"""
        {
          "object_kind": "tag_push",
          "event_name": "tag_push",
          "before": "0000000000000000000000000000000000000000",
          "after": "{{TagObject}}",
          "ref": "refs/tags/v2.0.0",
          "checkout_sha": "{{After}}",
          "project_id": 15,
          "project": {
            "path_with_namespace": "acme/platform/app",
            "git_http_url": "https://gitlab.example.com/acme/platform/app.git"
          },
          "commits": [],
          "total_commits_count": 0
        }
        """;

    private const string LastCommit = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";

    private const string MergeRequest = $$"""
        {
          "object_kind": "merge_request",
          "event_type": "merge_request",
          "user": { "id": 1, "name": "Administrator", "username": "root" },
          "project": {
            "id": 15,
            "path_with_namespace": "acme/platform/app",
            "git_http_url": "https://gitlab.example.com/acme/platform/app.git"
          },
          "object_attributes": {
            "id": 99,
            "iid": 7,
            "target_branch": "main",
            "source_branch": "ms-viewport",
            "source_project_id": 14,
            "target_project_id": 15,
            "title": "MS-Viewport",
            "state": "opened",
            "action": "open",
            "last_commit": {
              "id": "{{LastCommit}}",
              "message": "fixed readme",
              "timestamp": "2025-03-14T10:24:40+01:00",
              "url": "https://gitlab.example.com/acme/platform/app/-/commit/{{LastCommit}}"
            }
          },
          "repository": { "name": "App", "url": "git@gitlab.example.com:acme/platform/app.git" }
        }
        """;

    private static Dictionary<string, string> Headers(string gitLabEvent = "Push Hook", string uuid = "a2e6b4c4-f3f2-4b6e-9a8b-0c1d2e3f4a5b", string? idempotencyKey = null, string? token = Secret)
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Gitlab-Event"] = gitLabEvent,
            ["X-Gitlab-Event-UUID"] = uuid,
            ["X-Gitlab-Webhook-UUID"] = "5bd28ac8-3f7e-4d58-b4d0-0a2a1f2f3e4d",
            ["X-Gitlab-Instance"] = "https://gitlab.example.com",
            ["User-Agent"] = "GitLab/17.9.0",
            ["Content-Type"] = "application/json",
        };
        if (token is not null) headers["X-Gitlab-Token"] = token;
        if (idempotencyKey is not null) headers["Idempotency-Key"] = idempotencyKey;
        return headers;
    }

    private readonly WebhookTestKit _kit = new();

    [Fact]
    public async Task A_push_starts_one_sync_with_the_project_path_clone_url_and_net_file_changes()
    {
        var response = await _kit.SendAsync("gitlab", Headers(), Push);

        var request = Assert.Single(_kit.AssertStarted(response, "gitlab"));
        AssertRequest(request, "acme/platform/app", "https://gitlab.example.com/acme/platform/app.git", "refs/heads/main", After);
        Assert.Equal([Added("config/db.yaml"), Deleted("config/app.yaml"), Deleted("config/legacy.yaml")], request.ChangedFiles);
    }

    [Fact]
    public async Task A_tag_push_syncs_the_checkout_commit_not_the_tag_object()
    {
        var response = await _kit.SendAsync("gitlab", Headers("Tag Push Hook"), TagPush);

        var request = Assert.Single(_kit.AssertStarted(response, "gitlab"));
        AssertRequest(request, "acme/platform/app", "https://gitlab.example.com/acme/platform/app.git", "refs/tags/v2.0.0", After);
        Assert.Null(request.ChangedFiles);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("update")]
    [InlineData("reopen")]
    public async Task A_merge_request_syncs_its_last_commit_under_the_merge_request_ref(string action)
    {
        var body = Edit(MergeRequest, p => p["object_attributes"]!["action"] = action);
        var response = await _kit.SendAsync("gitlab", Headers("Merge Request Hook"), body);

        var request = Assert.Single(_kit.AssertStarted(response, "gitlab"));
        AssertRequest(request, "acme/platform/app", "https://gitlab.example.com/acme/platform/app.git", "refs/merge-requests/7/head", LastCommit);
        Assert.Null(request.ChangedFiles);
    }

    [Theory]
    [InlineData("close")]
    [InlineData("merge")]
    [InlineData("approved")]
    public async Task Other_merge_request_actions_are_ignored(string action)
    {
        var body = Edit(MergeRequest, p => p["object_attributes"]!["action"] = action);
        var response = await _kit.SendAsync("gitlab", Headers("Merge Request Hook"), body);

        AssertIgnored(response, $"merge request action '{action}' is not synced (synced: open, update, reopen)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task Other_events_are_ignored()
    {
        const string body = """{"object_kind":"note","project":{"path_with_namespace":"acme/platform/app"}}""";
        var response = await _kit.SendAsync("gitlab", Headers("Note Hook"), body);

        AssertIgnored(response, "gitlab event 'Note Hook' is not handled (handled: Push Hook, Tag Push Hook, Merge Request Hook)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Theory]
    [InlineData(OtherSecret, "the X-Gitlab-Token header does not match the configured gitlab webhook secret")]
    [InlineData(Secret + "x", "the X-Gitlab-Token header does not match the configured gitlab webhook secret")]
    [InlineData("whsec-7Qp2Lx9vK3mN8rT5", "the X-Gitlab-Token header does not match the configured gitlab webhook secret")]
    [InlineData("x", "the X-Gitlab-Token header does not match the configured gitlab webhook secret")]
    [InlineData(null, "the X-Gitlab-Token header is missing; configure the gitlab webhook with the secret set in vartrack.yaml")]
    public async Task A_wrong_or_missing_token_is_refused_with_401(string? token, string message)
    {
        var response = await _kit.SendAsync("gitlab", Headers(token: token), Push);

        AssertRefused(response, 401, "bad_signature", message);
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_push_listing_fewer_commits_than_it_has_leaves_the_changed_files_unknown()
    {
        // GitLab lists at most 20 commits; total_commits_count says how many were pushed.
        var body = Edit(Push, p => p["total_commits_count"] = 25);
        var response = await _kit.SendAsync("gitlab", Headers(), body);

        Assert.Null(Assert.Single(_kit.AssertStarted(response, "gitlab")).ChangedFiles);
    }

    [Fact]
    public async Task A_deleted_branch_is_ignored()
    {
        var body = Edit(Push, p =>
        {
            p["after"] = "0000000000000000000000000000000000000000";
            p["checkout_sha"] = null;
            p["commits"] = new JsonArray();
            p["total_commits_count"] = 0;
        });
        var response = await _kit.SendAsync("gitlab", Headers(), body);

        AssertIgnored(response, "branch 'main' was deleted");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task The_idempotency_key_is_the_delivery_id_when_present()
    {
        // A retry keeps the Idempotency-Key; here it also carries a fresh event UUID.
        var first = await _kit.SendAsync("gitlab", Headers(uuid: "11111111-0000-0000-0000-000000000000", idempotencyKey: "f0e1d2c3-b4a5-4697-8899-aabbccddeeff"), Push);
        var retry = await _kit.SendAsync("gitlab", Headers(uuid: "22222222-0000-0000-0000-000000000000", idempotencyKey: "f0e1d2c3-b4a5-4697-8899-aabbccddeeff"), Push);

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(200, retry.StatusCode);
        Assert.True(retry.Body.Duplicate);
        Assert.Single(_kit.Starter.Calls);
        Assert.Equal("deliveries/gitlab/f0e1d2c3-b4a5-4697-8899-aabbccddeeff", Assert.Single(await _kit.DeliveryKeysAsync()));
    }

    [Fact]
    public async Task A_delivery_without_any_delivery_id_is_refused()
    {
        var headers = Headers();
        headers.Remove("X-Gitlab-Event-UUID");
        var response = await _kit.SendAsync("gitlab", headers, Push);

        AssertRefused(response, 400, "missing_delivery_id", "the gitlab delivery id header is missing (Idempotency-Key or X-Gitlab-Event-UUID)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Theory]
    [InlineData("project.git_http_url", "'project.git_http_url' is missing")]
    [InlineData("project.path_with_namespace", "'project.path_with_namespace' is missing")]
    [InlineData("after", "'after' is missing")]
    public async Task A_push_missing_a_field_is_refused_naming_it(string field, string message)
    {
        var body = Edit(Push, p =>
        {
            var parts = field.Split('.');
            (parts.Length == 1 ? p : p[parts[0]]!.AsObject()).Remove(parts[^1]);
        });
        var response = await _kit.SendAsync("gitlab", Headers(), body);

        AssertRefused(response, 400, "malformed_payload", message);
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_merge_request_with_a_non_numeric_iid_is_refused()
    {
        var body = Edit(MergeRequest, p => p["object_attributes"]!["iid"] = "7");
        var response = await _kit.SendAsync("gitlab", Headers("Merge Request Hook"), body);

        AssertRefused(response, 400, "malformed_payload", "'object_attributes.iid' must be a whole number of at least 1, not a string");
    }

    [Fact]
    public async Task A_rule_for_another_platform_does_not_track_the_repository()
    {
        var kit = new WebhookTestKit($$"""
            webhooks:
              gitlab: { secret: "{{Secret}}" }
            rules:
              - name: app
                platform: github
                repositories: ["acme/**"]
            """);
        var response = await kit.SendAsync("gitlab", Headers(), Push);

        AssertIgnored(response, "no rule tracks repository 'acme/platform/app' on gitlab");
        Assert.Empty(kit.Starter.Calls);
    }
}
