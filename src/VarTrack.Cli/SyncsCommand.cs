using System.CommandLine;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt syncs list|show --server URL</c>: the syncs a VarTrack server ran (webhooks, API requests, heals) and what
/// each did per destination. Reads only; <c>show</c> exits 1 for a failed or abandoned sync.
/// </summary>
internal static class SyncsCommand
{
    public static Command Create(VtOptions options) => new("syncs", "Show the syncs a VarTrack server ran (needs --server).")
    {
        List(options),
        Show(options),
    };

    private static Command List(VtOptions options)
    {
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many syncs, newest first (default: the server's default)." };
        var command = new Command("list", "One line per sync, newest first: id, state, trigger, repository, ref, commit, finished time.") { limit };
        options.AddServer(command);
        command.SetAction((parse, ct) => options.RunServerAsync(parse, async context =>
        {
            if (parse.GetValue(limit) is < 1) throw new UsageException("--limit must be at least 1");
            var (list, json) = await context.Client.ListSyncsAsync(parse.GetValue(limit), ct);
            if (context.JsonOutput) await context.WriteJsonAsync(json);
            else if (list.Syncs.Count == 0) await context.Output.WriteLineAsync("no syncs yet");
            else
                foreach (var record in list.Syncs)
                    await context.Output.WriteLineAsync(SyncRecordText.ListLine(record));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(VtOptions options)
    {
        var id = new Argument<string>("id") { Description = "The sync id, e.g. sync-0123456789abcdef01234567." };
        var command = new Command("show", "A sync's state and error, and per file one line per destination: outcome, counts, error. Exit 1 if it failed.") { id };
        options.AddServer(command);
        command.SetAction((parse, ct) => options.RunServerAsync(parse, async context =>
        {
            var (record, json) = await context.Client.GetSyncAsync(parse.GetValue(id)!, ct);
            if (context.JsonOutput) await context.WriteJsonAsync(json);
            else await SyncRecordText.WriteAsync(context.Output, record);
            return SyncRecordText.ExitCodeFor(record);
        }));
        return command;
    }
}
