using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using VarTrack.Functions.Meta;

namespace VarTrack.Functions.Tests.Meta;

/// <summary>The meta read function answers like the server's route, over a repository held in memory.</summary>
public sealed class MetaChannelFunctionTests
{
    private static readonly MetaSettings Settings = new("https://git.example/acme/meta.git");

    private static MetaTree Tree()
    {
        var release = new ReleaseRecord("1.0.0", new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, null, null);
        var @event = new PromotionEvent("1.0.0", null, "alice", null, new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        return MetaTree.Of(new string('c', 40), new Dictionary<string, byte[]>
        {
            ["projects/shop/releases/1.0.0.json"] = release.ToCanonical(),
            ["projects/shop/channels/prod/events/20261124T100000000Z-ci-000001.json"] = @event.ToCanonical(),
        });
    }

    private static async Task<(int Status, JsonElement Body)> GetAsync(MetaChannelFunction function, string project, string channel)
    {
        var result = (ContentResult)await function.GetAsync(new DefaultHttpContext().Request, project, channel, CancellationToken.None);
        return (result.StatusCode!.Value, JsonDocument.Parse(result.Content!).RootElement.Clone());
    }

    [Fact]
    public async Task The_current_release_of_a_channel_is_answered_as_on_the_server()
    {
        var (status, body) = await GetAsync(new MetaChannelFunction(new MetaReadApi(new TreeRepository(Tree()), Settings)), "shop", "prod");

        Assert.Equal(200, status);
        Assert.Equal(("1.0.0", new string('c', 40)), (body.GetProperty("release").GetProperty("id").GetString(), body.GetProperty("commit").GetString()));
    }

    [Fact]
    public async Task Unknown_channels_not_configured_meta_and_an_unreachable_repository_are_JSON_errors()
    {
        var unknown = await GetAsync(new MetaChannelFunction(new MetaReadApi(new TreeRepository(Tree()), Settings)), "shop", "beta");
        Assert.Equal((404, "unknown_channel"), (unknown.Status, unknown.Body.GetProperty("error").GetString()));

        var notConfigured = await GetAsync(new MetaChannelFunction(), "shop", "prod");
        Assert.Equal((404, "meta_not_configured"), (notConfigured.Status, notConfigured.Body.GetProperty("error").GetString()));

        var down = await GetAsync(new MetaChannelFunction(new MetaReadApi(new TreeRepository(null), Settings)), "shop", "prod");
        Assert.Equal((502, "meta_unavailable", "the meta repository 'acme/meta' cannot be read: cannot fetch: connection refused"),
            (down.Status, down.Body.GetProperty("error").GetString(), down.Body.GetProperty("message").GetString()));
    }

    /// <summary>Serves one tree; null: the repository cannot be reached.</summary>
    private sealed class TreeRepository(MetaTree? tree) : IMetaRepository
    {
        public string Name => "acme/meta";

        public Task<MetaTree> ReadTipAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) =>
            tree is null ? throw new VarTrackException(new Problem("cannot fetch: connection refused")) : Task.FromResult(tree);

        public Task<MetaTree> ReadAsync(string commit, CancellationToken cancellationToken = default) => ReadTipAsync(TimeSpan.Zero, cancellationToken);

        public Task<string?> FirstParentAsync(string commit, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

        public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default) => Task.FromResult<bool?>(null);

        public Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<MetaHistoryStep>> HistoryAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
