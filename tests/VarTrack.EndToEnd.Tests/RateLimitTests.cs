using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>A server with low limits: 2 syncs per repository and 5 webhook requests per address per minute.</summary>
public sealed class RateLimitedServer : RunningServer
{
    protected override void Configure(ServerOptions options)
    {
        options.SyncsPerRepositoryPerMinute = 2;
        options.WebhooksPerAddressPerMinute = 5;
    }
}

public sealed class RateLimitTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    [Fact]
    public async Task Limits_per_repository_and_per_address_answer_429_with_retry_after()
    {
        var repo = new PushedRepository();
        var pushes = Enumerable.Range(1, 3).Select(i =>
        {
            var before = repo.Head;
            var after = repo.Commit(new Dictionary<string, string?> { ["config/app.yaml"] = $"n: {i}\n" });
            return new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Modified = ["config/app.yaml"] };
        }).ToList();
        repo.Push();

        var statuses = new List<int>();
        foreach (var push in pushes) statuses.Add((await server.DeliverAsync(push)).Status);
        using var third = await server.Http.SendAsync(pushes[2].Request(RunningServer.Secret));
        using var fifth = await server.Http.SendAsync(pushes[0].Request("wrong"));
        using var sixth = await server.Http.SendAsync(pushes[0].Request("wrong"));

        Assert.Equal([202, 202, 429], statuses);
        Assert.Equal(429, (int)third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a per-repository 429 carries Retry-After");
        Assert.Contains(repo.Name, await third.Content.ReadAsStringAsync());
        Assert.Equal(401, (int)fifth.StatusCode);
        Assert.Equal(429, (int)sixth.StatusCode);
        Assert.True(sixth.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a per-address 429 carries Retry-After");
    }
}
