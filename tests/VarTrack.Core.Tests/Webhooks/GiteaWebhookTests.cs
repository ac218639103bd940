using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

public sealed class GiteaWebhookTests
{
    private const string Before = "28e1879d029cb852e4844d9c718537df08844e03";
    private const string After = "bffeb74224043ba2feb48d137756c8a9331c449a";

    // Shaped like the push payload in Gitea's webhook documentation.
    private const string Push = $$"""
        {
          "ref": "refs/heads/develop",
          "before": "{{Before}}",
          "after": "{{After}}",
          "compare_url": "https://gitea.example.com/acme/app/compare/28e1879d029cb852e4844d9c718537df08844e03...bffeb74224043ba2feb48d137756c8a9331c449a",
          "commits": [
            {
              "id": "{{After}}",
              "message": "Webhooks Yay!",
              "url": "https://gitea.example.com/acme/app/commit/{{After}}",
              "author": { "name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
              "committer": { "name": "Gitea", "email": "someone@gitea.io", "username": "gitea" },
              "timestamp": "2025-03-14T13:52:11-04:00",
              "added": ["config/feature-flags.toml"],
              "removed": [],
              "modified": ["config/app.yaml"]
            }
          ],
          "total_commits": 1,
          "head_commit": {
            "id": "{{After}}",
            "message": "Webhooks Yay!",
            "added": ["config/feature-flags.toml"],
            "removed": [],
            "modified": ["config/app.yaml"]
          },
          "repository": {
            "id": 140,
            "owner": { "id": 1, "login": "acme", "full_name": "", "email": "acme@example.com", "username": "acme" },
            "name": "app",
            "full_name": "acme/app",
            "description": "",
            "private": false,
            "fork": false,
            "html_url": "https://gitea.example.com/acme/app",
            "ssh_url": "ssh://gitea@gitea.example.com:2222/acme/app.git",
            "clone_url": "https://gitea.example.com/acme/app.git",
            "default_branch": "main"
          },
          "pusher": { "id": 1, "login": "gitea", "username": "gitea" },
          "sender": { "id": 1, "login": "gitea", "username": "gitea" }
        }
        """;

    private const string PrHead = "4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f";

    private const string PullRequest = $$"""
        {
          "action": "synchronized",
          "number": 3,
          "pull_request": {
            "id": 12,
            "number": 3,
            "title": "Tune the cache",
            "state": "open",
            "head": { "label": "tune-cache", "ref": "tune-cache", "sha": "{{PrHead}}", "repo": { "full_name": "acme/app", "clone_url": "https://gitea.example.com/acme/app.git" } },
            "base": { "label": "main", "ref": "main", "sha": "{{After}}", "repo": { "full_name": "acme/app", "clone_url": "https://gitea.example.com/acme/app.git" } }
          },
          "repository": { "full_name": "acme/app", "clone_url": "https://gitea.example.com/acme/app.git" },
          "sender": { "id": 1, "login": "gitea" }
        }
        """;

    private static Dictionary<string, string> Headers(string body, string giteaEvent = "push", string? signature = null) => new()
    {
        // Gitea also sends GitHub- and Gogs-named copies of its headers; only the Gitea ones are read.
        ["X-Gitea-Event"] = giteaEvent,
        ["X-Gitea-Event-Type"] = giteaEvent,
        ["X-Gitea-Delivery"] = "f6266f16-1bf3-46a5-9ea4-602e06ead473",
        ["X-Gitea-Signature"] = signature ?? HmacHex(body),
        ["X-GitHub-Event"] = giteaEvent,
        ["X-GitHub-Delivery"] = "f6266f16-1bf3-46a5-9ea4-602e06ead473",
        ["X-Gogs-Event"] = giteaEvent,
        ["Content-Type"] = "application/json",
    };

    private readonly WebhookTestKit _kit = new();

    [Fact]
    public async Task A_push_starts_one_sync_with_the_repository_ref_commit_and_files()
    {
        var response = await _kit.SendAsync("gitea", Headers(Push), Push);

        var request = Assert.Single(_kit.AssertStarted(response, "gitea"));
        AssertRequest(request, "acme/app", "https://gitea.example.com/acme/app.git", "refs/heads/develop", After);
        Assert.Equal([Added("config/feature-flags.toml"), Modified("config/app.yaml")], request.ChangedFiles);
    }

    [Fact]
    public async Task A_tag_push_syncs_the_tag_ref()
    {
        var body = Edit(Push, p =>
        {
            p["ref"] = "refs/tags/v0.9.1";
            p["before"] = "0000000000000000000000000000000000000000";
            p["commits"] = new System.Text.Json.Nodes.JsonArray();
            p["total_commits"] = 0;
        });
        var response = await _kit.SendAsync("gitea", Headers(body), body);

        var request = Assert.Single(_kit.AssertStarted(response, "gitea"));
        AssertRequest(request, "acme/app", "https://gitea.example.com/acme/app.git", "refs/tags/v0.9.1", After);
        Assert.Null(request.ChangedFiles);
    }

    [Theory]
    [InlineData("opened")]
    [InlineData("synchronized")]
    [InlineData("reopened")]
    public async Task A_pull_request_syncs_its_head_commit_under_the_pull_ref(string action)
    {
        var body = Edit(PullRequest, p => p["action"] = action);
        var response = await _kit.SendAsync("gitea", Headers(body, "pull_request"), body);

        var request = Assert.Single(_kit.AssertStarted(response, "gitea"));
        AssertRequest(request, "acme/app", "https://gitea.example.com/acme/app.git", "refs/pull/3/head", PrHead);
    }

    [Fact]
    public async Task A_closed_pull_request_is_ignored()
    {
        var body = Edit(PullRequest, p => p["action"] = "closed");
        var response = await _kit.SendAsync("gitea", Headers(body, "pull_request"), body);

        AssertIgnored(response, "pull request action 'closed' is not synced (synced: opened, synchronized, reopened)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task Create_events_are_left_to_the_push_event()
    {
        const string body = """{"sha":"bffeb74224043ba2feb48d137756c8a9331c449a","ref":"v0.9.1","ref_type":"tag","repository":{"full_name":"acme/app"}}""";
        var response = await _kit.SendAsync("gitea", Headers(body, "create"), body);

        AssertIgnored(response, "gitea create and delete events are covered by the push event");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_truncated_commit_list_leaves_the_changed_files_unknown()
    {
        var body = Edit(Push, p => p["total_commits"] = 12);
        var response = await _kit.SendAsync("gitea", Headers(body), body);

        Assert.Null(Assert.Single(_kit.AssertStarted(response, "gitea")).ChangedFiles);
    }

    [Theory]
    [InlineData("prefixed like GitHub", "sha256=")]
    [InlineData("wrong secret", null)]
    [InlineData("not hex", "")]
    public async Task A_bad_signature_is_refused(string why, string? prefix)
    {
        var signature = prefix switch
        {
            null => HmacHex(Push, OtherSecret),
            "" => new string('g', 64),
            _ => prefix + HmacHex(Push),
        };
        var response = await _kit.SendAsync("gitea", Headers(Push, signature: signature), Push);

        AssertRefused(response, 401, "bad_signature", "the X-Gitea-Signature header does not match the configured gitea webhook secret");
        await _kit.AssertNothingHappenedAsync();
        Assert.NotEmpty(why);
    }

    [Fact]
    public async Task A_missing_signature_is_refused()
    {
        var headers = Headers(Push);
        headers.Remove("X-Gitea-Signature");
        var response = await _kit.SendAsync("gitea", headers, Push);

        AssertRefused(response, 401, "bad_signature", "the X-Gitea-Signature header is missing; configure the gitea webhook with the secret set in vartrack.yaml");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_deleted_branch_is_ignored()
    {
        var body = Edit(Push, p => { p["after"] = "0000000000000000000000000000000000000000"; p["commits"] = new System.Text.Json.Nodes.JsonArray(); });
        var response = await _kit.SendAsync("gitea", Headers(body), body);

        AssertIgnored(response, "branch 'develop' was deleted");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_push_without_a_clone_url_is_refused()
    {
        var body = Edit(Push, p => p["repository"]!.AsObject().Remove("clone_url"));
        var response = await _kit.SendAsync("gitea", Headers(body), body);

        AssertRefused(response, 400, "malformed_payload", "'repository.clone_url' is missing");
    }
}
