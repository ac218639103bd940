using System.Text;
using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

public sealed class GitHubWebhookTests
{
    private const string Before = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private const string First = "a3c4e5f60718293a4b5c6d7e8f9011223344aabb";
    private const string After = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

    // Shaped like GitHub's documented push payload (trimmed of fields VarTrack never reads).
    private const string Push = $$"""
        {
          "ref": "refs/heads/main",
          "before": "{{Before}}",
          "after": "{{After}}",
          "repository": {
            "id": 186853002,
            "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
            "name": "app",
            "full_name": "acme/app",
            "private": true,
            "owner": { "name": "acme", "login": "acme", "id": 21031067, "type": "Organization" },
            "html_url": "https://github.com/acme/app",
            "git_url": "git://github.com/acme/app.git",
            "ssh_url": "git@github.com:acme/app.git",
            "clone_url": "https://github.com/acme/app.git",
            "default_branch": "main"
          },
          "pusher": { "name": "octocat", "email": "octocat@github.com" },
          "sender": { "login": "octocat", "id": 583231, "type": "User" },
          "created": false,
          "deleted": false,
          "forced": false,
          "base_ref": null,
          "compare": "https://github.com/acme/app/compare/6113728f27ae...0d1a26e67d8f",
          "commits": [
            {
              "id": "{{First}}",
              "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
              "distinct": true,
              "message": "Add staging settings",
              "timestamp": "2025-03-14T10:20:11+01:00",
              "url": "https://github.com/acme/app/commit/{{First}}",
              "author": { "name": "Mona", "email": "mona@example.com", "username": "mona" },
              "committer": { "name": "GitHub", "email": "noreply@github.com", "username": "web-flow" },
              "added": ["config/staging.yaml", "config/tmp.yaml"],
              "removed": [],
              "modified": ["config/app.yaml"]
            },
            {
              "id": "{{After}}",
              "tree_id": "2ce3c4f8a1d6ac36c62c2a8a1a1a49e15f4b5f07",
              "distinct": true,
              "message": "Tidy up",
              "timestamp": "2025-03-14T10:24:40+01:00",
              "url": "https://github.com/acme/app/commit/{{After}}",
              "author": { "name": "Mona", "email": "mona@example.com", "username": "mona" },
              "committer": { "name": "Mona", "email": "mona@example.com", "username": "mona" },
              "added": ["docs/notes.md"],
              "removed": ["config/tmp.yaml", "config/old.yaml"],
              "modified": ["config/staging.yaml", "config/app.yaml"]
            }
          ],
          "head_commit": {
            "id": "{{After}}",
            "tree_id": "2ce3c4f8a1d6ac36c62c2a8a1a1a49e15f4b5f07",
            "distinct": true,
            "message": "Tidy up",
            "timestamp": "2025-03-14T10:24:40+01:00",
            "url": "https://github.com/acme/app/commit/{{After}}",
            "added": ["docs/notes.md"],
            "removed": ["config/tmp.yaml", "config/old.yaml"],
            "modified": ["config/staging.yaml", "config/app.yaml"]
          }
        }
        """;

    private const string TagObject = "9e3b1e0c0a5d6f7e8d9c0b1a2f3e4d5c6b7a8f9e";

    // A new annotated tag: 'after' is the tag object, head_commit the tagged commit, no commits listed.
    private const string TagPush = $$"""
        {
          "ref": "refs/tags/v1.2.0",
          "before": "0000000000000000000000000000000000000000",
          "after": "{{TagObject}}",
          "repository": { "full_name": "acme/app", "clone_url": "https://github.com/acme/app.git" },
          "created": true,
          "deleted": false,
          "forced": false,
          "base_ref": "refs/heads/main",
          "compare": "https://github.com/acme/app/compare/v1.2.0",
          "commits": [],
          "head_commit": { "id": "{{After}}", "message": "Tidy up", "added": [], "removed": [], "modified": [] }
        }
        """;

    private const string PrHead = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

    private const string PullRequest = $$"""
        {
          "action": "opened",
          "number": 42,
          "pull_request": {
            "url": "https://api.github.com/repos/acme/app/pulls/42",
            "number": 42,
            "state": "open",
            "title": "Raise the pool size",
            "head": {
              "label": "contributor:pool-size",
              "ref": "pool-size",
              "sha": "{{PrHead}}",
              "repo": { "full_name": "contributor/app", "clone_url": "https://github.com/contributor/app.git" }
            },
            "base": {
              "label": "acme:main",
              "ref": "main",
              "sha": "{{After}}",
              "repo": { "full_name": "acme/app", "clone_url": "https://github.com/acme/app.git" }
            }
          },
          "repository": { "full_name": "acme/app", "clone_url": "https://github.com/acme/app.git" },
          "sender": { "login": "contributor", "id": 99 }
        }
        """;

    private const string Ping = """
        {
          "zen": "Keep it logically awesome.",
          "hook_id": 30,
          "hook": { "type": "Repository", "id": 30, "active": true, "events": ["push", "pull_request"], "config": { "content_type": "json", "insecure_ssl": "0", "url": "https://vartrack.example.com/webhooks/github" } },
          "repository": { "full_name": "acme/app", "clone_url": "https://github.com/acme/app.git" }
        }
        """;

    private static Dictionary<string, string> Headers(string body, string gitHubEvent = "push", string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") => new()
    {
        ["X-GitHub-Event"] = gitHubEvent,
        ["X-GitHub-Delivery"] = delivery,
        ["X-GitHub-Hook-ID"] = "30",
        ["X-Hub-Signature-256"] = "sha256=" + HmacHex(body),
        ["User-Agent"] = "GitHub-Hookshot/044aadd",
        ["Content-Type"] = "application/json",
    };

    private readonly WebhookTestKit _kit = new();

    [Fact]
    public async Task A_push_starts_one_sync_with_the_repository_ref_commit_and_net_file_changes()
    {
        var response = await _kit.SendAsync("github", Headers(Push), Push);

        var request = Assert.Single(_kit.AssertStarted(response, "github"));
        AssertRequest(request, "acme/app", "https://github.com/acme/app.git", "refs/heads/main", After);
        Assert.Equal(
            [Added("config/staging.yaml"), Deleted("config/tmp.yaml"), Modified("config/app.yaml"), Added("docs/notes.md"), Deleted("config/old.yaml")],
            request.ChangedFiles);
    }

    [Fact]
    public async Task The_delivery_is_recorded_under_its_id_with_the_syncs_it_started()
    {
        var response = await _kit.SendAsync("github", Headers(Push), Push);

        var key = Assert.Single(await _kit.DeliveryKeysAsync());
        var document = (await _kit.State.ReadAsync(key))!;
        Assert.Equal("deliveries/github/72d3162e-cc78-11e3-81ab-4c9367dc0958", key);
        var record = System.Text.Json.JsonDocument.Parse(document).RootElement;
        Assert.Equal("github", record.GetProperty("platform").GetString());
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", record.GetProperty("delivery_id").GetString());
        Assert.Equal("203.0.113.7", record.GetProperty("remote_address").GetString());
        Assert.Equal(response.SyncIds, record.GetProperty("sync_ids").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public async Task A_tag_push_syncs_the_tagged_commit_under_the_tag_ref()
    {
        var response = await _kit.SendAsync("github", Headers(TagPush), TagPush);

        var request = Assert.Single(_kit.AssertStarted(response, "github"));
        AssertRequest(request, "acme/app", "https://github.com/acme/app.git", "refs/tags/v1.2.0", After);
        Assert.Null(request.ChangedFiles);
    }

    [Theory]
    [InlineData("opened")]
    [InlineData("synchronize")]
    [InlineData("reopened")]
    public async Task A_pull_request_syncs_its_head_commit_under_the_pull_ref_of_the_base_repository(string action)
    {
        var body = Edit(PullRequest, p => p["action"] = action);
        var response = await _kit.SendAsync("github", Headers(body, "pull_request"), body);

        var request = Assert.Single(_kit.AssertStarted(response, "github"));
        AssertRequest(request, "acme/app", "https://github.com/acme/app.git", "refs/pull/42/head", PrHead);
        Assert.Null(request.ChangedFiles);
    }

    [Theory]
    [InlineData("closed")]
    [InlineData("labeled")]
    [InlineData("edited")]
    public async Task Other_pull_request_actions_are_ignored(string action)
    {
        var body = Edit(PullRequest, p => p["action"] = action);
        var response = await _kit.SendAsync("github", Headers(body, "pull_request"), body);

        AssertIgnored(response, $"pull request action '{action}' is not synced (synced: opened, synchronize, reopened)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_ping_is_answered_with_pong_and_starts_nothing()
    {
        var response = await _kit.SendAsync("github", Headers(Ping, "ping"), Ping);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"pong":true}""", response.ToJson());
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task An_unhandled_event_is_ignored()
    {
        const string body = """{"action":"opened","issue":{"number":1},"repository":{"full_name":"acme/app"}}""";
        var response = await _kit.SendAsync("github", Headers(body, "issues"), body);

        AssertIgnored(response, "github event 'issues' is not handled (handled: push, pull_request, ping)");
        await _kit.AssertNothingHappenedAsync();
    }

    public static TheoryData<string, Func<string, Dictionary<string, string>>, string> BadSignatures => new()
    {
        { "wrong secret", body => With(body, "sha256=" + HmacHex(body, OtherSecret)), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
        { "tampered body", body => With(body, "sha256=" + HmacHex(body.Replace("acme/app", "acme/evil"))), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
        { "missing header", body => With(body, null), "the X-Hub-Signature-256 header is missing; configure the github webhook with the secret set in vartrack.yaml" },
        { "malformed hex", body => With(body, "sha256=" + HmacHex(body)[..62] + "zz"), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
        { "short hex", body => With(body, "sha256=" + HmacHex(body)[..40]), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
        { "sha1 prefix", body => With(body, "sha1=" + HmacHex(body)), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
        { "no prefix", body => With(body, HmacHex(body)), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
        { "signature sent twice", body => With(body, "sha256=" + HmacHex(body) + ",sha256=" + HmacHex(body)), "the X-Hub-Signature-256 header does not match the configured github webhook secret" },
    };

    private static Dictionary<string, string> With(string body, string? signature)
    {
        var headers = Headers(body);
        if (signature is null) headers.Remove("X-Hub-Signature-256");
        else headers["X-Hub-Signature-256"] = signature;
        return headers;
    }

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task A_bad_signature_is_refused_with_401_and_starts_nothing(string why, Func<string, Dictionary<string, string>> headers, string message)
    {
        var sent = headers(Push);
        var response = await _kit.SendAsync("github", sent, Push);

        AssertRefused(response, 401, "bad_signature", message);
        if (sent.TryGetValue("X-Hub-Signature-256", out var signature))
            Assert.DoesNotContain(signature, response.ToJson(), StringComparison.Ordinal);
        await _kit.AssertNothingHappenedAsync();
        Assert.NotEmpty(why);
    }

    [Fact]
    public async Task Upper_case_hex_in_the_signature_verifies()
    {
        var headers = Headers(Push);
        headers["X-Hub-Signature-256"] = "sha256=" + HmacHex(Push).ToUpperInvariant();

        Assert.Equal(202, (await _kit.SendAsync("github", headers, Push)).StatusCode);
    }

    [Fact]
    public async Task The_signature_covers_the_exact_bytes_so_reformatted_json_fails()
    {
        var reformatted = Push.Replace("\n", "\r\n");
        var response = await _kit.SendAsync("github", Headers(Push), Encoding.UTF8.GetBytes(reformatted));

        Assert.Equal(401, response.StatusCode);
    }

    [Fact]
    public async Task A_deleted_branch_is_ignored()
    {
        var body = Edit(Push, p =>
        {
            p["ref"] = "refs/heads/feature/old";
            p["after"] = "0000000000000000000000000000000000000000";
            p["deleted"] = true;
            p["commits"] = new System.Text.Json.Nodes.JsonArray();
            p["head_commit"] = null;
        });
        var response = await _kit.SendAsync("github", Headers(body), body);

        AssertIgnored(response, "branch 'feature/old' was deleted");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_forced_push_leaves_the_changed_files_unknown()
    {
        var body = Edit(Push, p => p["forced"] = true);
        var response = await _kit.SendAsync("github", Headers(body), body);

        Assert.Null(Assert.Single(_kit.AssertStarted(response, "github")).ChangedFiles);
    }

    [Fact]
    public async Task A_push_of_a_new_branch_leaves_the_changed_files_unknown()
    {
        var body = Edit(Push, p => { p["before"] = "0000000000000000000000000000000000000000"; p["created"] = true; });
        var response = await _kit.SendAsync("github", Headers(body), body);

        Assert.Null(Assert.Single(_kit.AssertStarted(response, "github")).ChangedFiles);
    }

    [Fact]
    public async Task A_push_changing_no_tracked_file_is_ignored_but_recorded()
    {
        var body = Edit(Push, p =>
        {
            foreach (var commit in p["commits"]!.AsArray())
            {
                commit!["added"] = new System.Text.Json.Nodes.JsonArray("docs/a.md");
                commit["modified"] = new System.Text.Json.Nodes.JsonArray("README.md");
                commit["removed"] = new System.Text.Json.Nodes.JsonArray();
            }
        });
        var response = await _kit.SendAsync("github", Headers(body), body);

        AssertIgnored(response, "no file tracked by a rule changed in 'acme/app' on branch 'main'");
        Assert.Empty(_kit.Starter.Calls);
        Assert.Single(await _kit.DeliveryKeysAsync());
    }

    public static TheoryData<string, Action<System.Text.Json.Nodes.JsonObject>, string> MalformedPayloads => new()
    {
        { "no repository name", p => p["repository"]!.AsObject().Remove("full_name"), "'repository.full_name' is missing" },
        { "no repository", p => p.Remove("repository"), "'repository' is missing" },
        { "repository is a string", p => p["repository"] = "acme/app", "'repository' must be an object, not a string" },
        { "null clone url", p => p["repository"]!["clone_url"] = null, "'repository.clone_url' is null" },
        { "no ref", p => p.Remove("ref"), "'ref' is missing" },
        { "numeric after", p => p["after"] = 5, "'after' must be a string, not a number" },
        { "after not a commit", p => p["after"] = "main; rm -rf /", "'after' is not a commit id" },
        { "added is a string", p => p["commits"]![1]!["added"] = "docs/notes.md", "'commits[1].added' must be an array, not a string" },
        { "a path is a number", p => p["commits"]![0]!["modified"] = new System.Text.Json.Nodes.JsonArray(7), "'commits[0].modified[0]' must be a string, not a number" },
        { "forced is a string", p => p["forced"] = "no", "'forced' must be a boolean, not a string" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public async Task A_payload_missing_a_field_or_with_a_wrong_type_is_refused_naming_the_field(string why, Action<System.Text.Json.Nodes.JsonObject> edit, string message)
    {
        var body = Edit(Push, edit);
        var response = await _kit.SendAsync("github", Headers(body), body);

        AssertRefused(response, 400, "malformed_payload", message);
        await _kit.AssertNothingHappenedAsync();
        Assert.NotEmpty(why);
    }

    [Fact]
    public async Task A_pull_request_without_its_head_commit_is_refused()
    {
        var body = Edit(PullRequest, p => p["pull_request"]!["head"]!.AsObject().Remove("sha"));
        var response = await _kit.SendAsync("github", Headers(body, "pull_request"), body);

        AssertRefused(response, 400, "malformed_payload", "'pull_request.head.sha' is missing");
    }

    [Fact]
    public async Task A_delivery_without_an_event_header_is_refused()
    {
        var headers = Headers(Push);
        headers.Remove("X-GitHub-Event");
        var response = await _kit.SendAsync("github", headers, Push);

        AssertRefused(response, 400, "missing_event_type", "the X-GitHub-Event header is missing");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task A_delivery_without_a_delivery_id_is_refused()
    {
        var headers = Headers(Push);
        headers.Remove("X-GitHub-Delivery");
        var response = await _kit.SendAsync("github", headers, Push);

        AssertRefused(response, 400, "missing_delivery_id", "the github delivery id header is missing (X-GitHub-Delivery)");
        await _kit.AssertNothingHappenedAsync();
    }

    [Fact]
    public async Task Header_names_match_whatever_their_case()
    {
        var headers = Headers(Push).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        Assert.Equal(202, (await _kit.SendAsync("github", headers, Push)).StatusCode);
    }
}
