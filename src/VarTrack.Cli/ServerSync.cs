using System.CommandLine;
using VarTrack.Core.Text;
using VarTrack.Core.Workflows;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt sync FILE... --server URL --repository R</c>: ask a VarTrack server to sync these files at a commit instead of
/// writing the sinks here. Paths are sent relative to the Git repository around the working folder; the commit and ref
/// default to HEAD and its branch. <c>--wait</c> polls the sync until it finishes and exits like <c>vt syncs show</c>.
/// </summary>
internal sealed class ServerSync
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public Option<string?> Repository { get; } = new("--repository") { Description = "With --server: the repository as the server knows it, e.g. acme/config." };

    public Option<bool> Wait { get; } = new("--wait") { Description = "With --server: wait until the sync finishes, print it like 'vt syncs show' and exit the same way." };

    public Option<string> Timeout { get; } = new("--timeout") { Description = "With --wait: give up after this long (e.g. 90s, 5m).", DefaultValueFactory = _ => "5m" };

    public void AddTo(Command command)
    {
        command.Add(Repository);
        command.Add(Wait);
        command.Add(Timeout);
    }

    /// <summary>Without --server these options mean nothing; say so rather than ignore them.</summary>
    public void RejectWithoutServer(ParseResult parse)
    {
        if (parse.GetValue(Repository) is not null || parse.GetValue(Wait) || parse.GetResult(Timeout) is { Implicit: false })
            throw new UsageException("--repository, --wait and --timeout need --server");
    }

    public async Task<int> RunAsync(ServerContext context, ParseResult parse, VtOptions options, string[] files, string? commit, CancellationToken ct)
    {
        if (parse.GetValue(options.Sink) is { Length: > 0 } || parse.GetValue(options.Environment) is not null || parse.GetValue(options.Rule) is not null)
            throw new UsageException("--sink, --env and --rule cannot be used with --server: the server's vartrack.yaml decides the rules, environments and sinks");
        var repository = parse.GetValue(Repository) ?? throw new UsageException("--repository is required with --server (the repository as the server knows it, e.g. acme/config)");
        var timeoutText = parse.GetValue(Timeout)!;
        if (!DurationText.TryParse(timeoutText, out var timeout) || timeout <= TimeSpan.Zero)
            throw new UsageException($"--timeout must be a duration such as 90s or 5m (got '{timeoutText}')");

        var tree = GitWorkingTree.Find(context.WorkingDirectory)
                   ?? throw new UsageException($"no Git repository at or above {context.WorkingDirectory}: run 'vt sync --server' inside the repository's working tree");
        var paths = files.Select(f => tree.RepositoryPath(f, context.WorkingDirectory)).Distinct(StringComparer.Ordinal).ToList();
        var submission = new SyncApiRequest(repository, parse.GetValue(options.Ref) ?? await tree.CurrentBranchRefAsync(ct), commit ?? await tree.HeadCommitAsync(ct))
        {
            Files = paths,
        };

        var (accepted, acceptedJson) = await context.Client.StartSyncAsync(submission, ct);
        var wait = parse.GetValue(Wait);
        // In JSON mode stdout holds one document: the acceptance, or with --wait the finished record.
        var notes = context.JsonOutput ? context.Error : context.Output;
        if (context.JsonOutput && !wait) await context.WriteJsonAsync(acceptedJson);
        else
        {
            await notes.WriteLineAsync($"sync {accepted.SyncId} accepted: {submission.Repository} {submission.Ref} {SyncRecordText.Short(submission.Commit)}, {paths.Count} file(s)");
            await notes.WriteLineAsync($"status: {context.Client.Resolve(accepted.StatusUrl)}");
        }
        if (!wait) return ExitCodes.Ok;

        var (record, json) = await WaitAsync(context, accepted.SyncId, timeout, timeoutText, ct);
        if (context.JsonOutput) await context.WriteJsonAsync(json);
        else await SyncRecordText.WriteAsync(context.Output, record);
        return SyncRecordText.ExitCodeFor(record);
    }

    /// <summary>Polls once a second until the sync finishes or the timeout passes (one line on stderr per state seen).</summary>
    private static async Task<(SyncRecord Record, string Json)> WaitAsync(ServerContext context, string id, TimeSpan timeout, string timeoutText, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        string? lastSeen = null;
        while (true)
        {
            string seen;
            try
            {
                var answer = await context.Client.GetSyncAsync(id, ct);
                if (SyncRecordText.IsFinished(answer.Value.State)) return answer;
                seen = SyncRecordText.State(answer.Value.State);
            }
            catch (ServerException ex) when (ex.Status == 404 && lastSeen is null or "not recorded yet")
            {
                // The server may record the sync a moment after accepting it.
                seen = "not recorded yet";
            }
            if (seen != lastSeen) await context.Error.WriteLineAsync($"waiting for {id}: {seen}");
            lastSeen = seen;
            if (DateTimeOffset.UtcNow + PollInterval > deadline)
                throw new ServerException($"sync {id} did not finish within {timeoutText} (last state: {seen}); check it later with 'vt syncs show {id} --server {context.Client.BaseUrl}'");
            await Task.Delay(PollInterval, ct);
        }
    }
}
