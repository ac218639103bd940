using System.Collections.Concurrent;
using System.Net;
using VarTrack.Core.Config;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// The real <see cref="NodeConfigService"/> behind an HttpListener on 127.0.0.1 (free port), as a host would serve it,
/// with a hook to alter answers (a tampered payload, a hostile path) and a log of requests with their times.
/// </summary>
public sealed class NodeTestServer : IDisposable
{
    public const string Token = "node-token-4c1d-DO-NOT-PRINT";

    private readonly LoopbackListener _listener;

    public NodeTestServer(NodeMaterializerSettings materializer, TimeSpan? retryAfter = null)
    {
        var settings = new NodeSettings(new NodeTokenSettings { Bootstrap = new SettingValue(Token, default) }, materializer)
        {
            RetryAfter = retryAfter ?? TimeSpan.FromSeconds(1),
        };
        State = new InMemoryStateStore();
        Service = new NodeConfigService(settings, new StateNodeRegistry(State, settings.Deployment), NodeMaterializers.Create(settings, null, State),
            new NodeAccess(settings.Tokens, new SettingResolver()), TimeProvider.System);
        _listener = new LoopbackListener(AnswerAsync, concurrent: true);
    }

    public string Url => _listener.Url;

    public InMemoryStateStore State { get; }

    public NodeConfigService Service { get; }

    /// <summary>Rewrites the JSON of a 200 config answer before it is sent.</summary>
    public Func<string, string>? AlterPayload { get; set; }

    public ConcurrentQueue<(string Path, int Status, DateTime At)> Requests { get; } = new();

    /// <summary>How many registrations to lose right after answering them (a registry that lost its data).</summary>
    public int ForgetRegistrations { get; set; }

    public async Task RegisterAsync(string identifier, string address = "10.0.0.9")
    {
        var answer = await Service.RegisterAsync($"Bearer {Token}", System.Text.Encoding.UTF8.GetBytes($$$"""{"identifier":"{{{identifier}}}","address":"{{{address}}}","metadata":{"zone":"z9"}}"""), default);
        Assert.Equal(202, answer.StatusCode);
    }

    public void Dispose() => _listener.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        var authorization = context.Request.Headers["Authorization"];
        var path = context.Request.Url!.AbsolutePath;
        var answer = path switch
        {
            NodeContract.RegisterRoute => await Service.RegisterAsync(authorization, buffer.ToArray(), default),
            NodeContract.ConfigRoute => await Service.ConfigAsync(authorization, buffer.ToArray(), default),
            _ => NodeAnswer.Error(404, "not_found", "no route"),
        };
        if (path == NodeContract.RegisterRoute && answer.StatusCode == 202 && ForgetRegistrations > 0)
        {
            ForgetRegistrations--;
            foreach (var key in await State.ListAsync("nodes")) await State.DeleteAsync(key);
        }
        var json = answer.ToJson();
        if (answer.StatusCode == 200 && path == NodeContract.ConfigRoute && AlterPayload is { } alter) json = alter(json);
        Requests.Enqueue((path, answer.StatusCode, DateTime.UtcNow));
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (answer.RetryAfterSeconds is { } seconds) context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
