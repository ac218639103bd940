using System.Net;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using VarTrack.Functions.Meta;

namespace VarTrack.Functions.Tests.Meta;

/// <summary>The meta notify timer drives the shared notifier: a recorded push becomes one signed POST per moved channel.</summary>
public sealed class MetaNotifyTimerTests
{
    private const string Secret = "deploy-secret-4471";
    private static readonly string Before = new('b', 40);
    private static readonly string After = new('c', 40);
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static readonly MetaSettings Settings = new("https://git.example/acme/meta.git")
    {
        Subscribers = [new MetaSubscriber("deploy", "https://deploy.example/hook", new SettingValue(Secret, default))],
    };

    private static MetaTree Tree(string commit, bool promoted)
    {
        var files = new Dictionary<string, byte[]>
        {
            ["projects/shop/releases/1.0.0.json"] = new ReleaseRecord("1.0.0", Created, new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, null, null).ToCanonical(),
        };
        if (promoted)
            files["projects/shop/channels/prod/events/20261124T100000000Z-ci-000001.json"] = new PromotionEvent("1.0.0", null, "alice", null, Created).ToCanonical();
        return MetaTree.Of(commit, files);
    }

    [Fact]
    public async Task A_recorded_meta_push_is_sent_once_signed_when_the_timer_runs()
    {
        var http = new Recorder();
        using var notifier = new MetaNotifier(new TwoCommits(), Settings, new InMemoryStateStore(), new SettingResolver(_ => null), TimeProvider.System, http);
        var timer = new MetaNotifyTimer(notifier);
        Assert.True(await notifier.OnPushAsync(new PushNotice("github", "d-1", "acme/meta", "https://git.example/acme/meta.git", "refs/heads/main", After) { Before = Before }));

        await timer.RunAsync(new TimerInfo(), CancellationToken.None);
        await timer.RunAsync(new TimerInfo(), CancellationToken.None);

        var (request, body) = Assert.Single(http.Requests);
        Assert.Equal("https://deploy.example/hook", request.RequestUri!.ToString());
        Assert.Equal($$"""{"project":"shop","channel":"prod","release_id":"1.0.0","previous_release_id":null,"commit":"{{After}}"}""", Encoding.UTF8.GetString(body));
        Assert.Equal(MetaNotifier.Sign(body, Secret), request.Headers.GetValues(MetaNotifier.SignatureHeader).Single());
        Assert.Equal("*/15 * * * * *", MetaNotifyTimer.Schedule);
    }

    [Fact]
    public async Task Without_a_meta_section_the_timer_does_nothing()
    {
        await new MetaNotifyTimer().RunAsync(new TimerInfo(), CancellationToken.None);
    }

    /// <summary>Before: a release and no channel; after: the prod channel promoted.</summary>
    private sealed class TwoCommits : IMetaRepository
    {
        public string Name => "acme/meta";

        public Task<MetaTree> ReadTipAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) => Task.FromResult(Tree(After, promoted: true));

        public Task<MetaTree> ReadAsync(string commit, CancellationToken cancellationToken = default) =>
            commit == After ? Task.FromResult(Tree(After, promoted: true))
            : commit == Before ? Task.FromResult(Tree(Before, promoted: false))
            : throw new VarTrackException(new Problem($"commit {commit} not found"));

        public Task<string?> FirstParentAsync(string commit, CancellationToken cancellationToken = default) => Task.FromResult<string?>(commit == After ? Before : null);

        public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default) =>
            Task.FromResult<bool?>(ancestor == descendant || (ancestor == Before && descendant == After));

        public Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<MetaHistoryStep>> HistoryAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, await request.Content!.ReadAsByteArrayAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
