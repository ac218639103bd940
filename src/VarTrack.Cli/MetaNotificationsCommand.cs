using System.CommandLine;
using System.Text.Json;
using VarTrack.Connectors;
using VarTrack.Core.Releases;
using VarTrack.Core.State;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt meta notifications list|replay</c>: the notification outbox in the state store a server or the Functions
/// app uses (<c>--state</c> folder or <c>--state-connection</c>), or asked of a running server (<c>--server</c>).
/// A replay only moves failed notifications back into the outbox; the host's notifier sends them.
/// </summary>
internal static class MetaNotificationsCommand
{
    public static Command Create(VtOptions options) => new("notifications", "Notifications to meta subscribers: list the outbox and failed ones, replay failed ones.")
    {
        List(options),
        Replay(options),
    };

    private static Command List(VtOptions options)
    {
        var failed = new Option<bool>("--failed") { Description = "Only notifications given up after their last attempt (meta/failed)." };
        var pending = new Option<bool>("--pending") { Description = "Only notifications waiting in the outbox (meta/outbox)." };
        var command = new Command("list", "Per notification: delivery id, subscriber, project/channel/release, attempts, last error (masked), when.") { failed, pending, StateOptions.Directory, StateOptions.Connection };
        options.AddServer(command);
        command.SetAction((parse, ct) =>
        {
            MetaNotificationState? state = (parse.GetValue(failed), parse.GetValue(pending)) switch
            {
                (true, false) => MetaNotificationState.Failed,
                (false, true) => MetaNotificationState.Pending,
                _ => null,
            };
            return parse.GetValue(options.Server) is not null
                ? options.RunServerAsync(parse, async context =>
                {
                    var (list, json) = await context.Client.ListMetaNotificationsAsync(state, ct);
                    if (context.JsonOutput) await context.WriteJsonAsync(json);
                    else await MetaNotificationText.WriteListAsync(context.Output, list.Notifications, state);
                    await MetaNotificationText.WriteUnreadableAsync(context.Error, list.Unreadable);
                    return ExitCodes.Ok;
                })
                : options.RunAsync(parse, async context =>
                {
                    var list = await Outbox(context, parse).ReadListAsync(state, ct);
                    if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(list, StateJson.Options));
                    else await MetaNotificationText.WriteListAsync(context.Output, list.Notifications, state);
                    await MetaNotificationText.WriteUnreadableAsync(context.Error, list.Unreadable);
                    return ExitCodes.Ok;
                });
        });
        return command;
    }

    private static Command Replay(VtOptions options)
    {
        var id = new Argument<string?>("delivery-id") { Description = "The failed notification's delivery id (mdl-...).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every failed notification (with --subscriber: every one of that subscriber)." };
        var subscriber = new Option<string?>("--subscriber") { Description = "With --all: only this subscriber's notifications." };
        var command = new Command("replay", "Move failed notifications back into the outbox with attempts reset; the notifier sends them with the same delivery id and body. Exit 1 when a named id is not a failed notification.")
        {
            id, all, subscriber, StateOptions.Directory, StateOptions.Connection,
        };
        options.AddServer(command);
        command.SetAction((parse, ct) =>
        {
            var request = new MetaReplayRequest(parse.GetValue(id), parse.GetValue(all), parse.GetValue(subscriber));
            return parse.GetValue(options.Server) is not null
                ? options.RunServerAsync(parse, async context =>
                {
                    Check(request);
                    MetaReplayAnswer answer;
                    string json;
                    try
                    {
                        (answer, json) = await context.Client.ReplayMetaNotificationsAsync(request, ct);
                    }
                    catch (ServerException ex) when (ex.Status == 404)
                    {
                        // An unknown delivery id exits 1 as it does without --server (the client makes every 404 a usage error).
                        throw new ServerException(ex.Message, ExitCodes.Failure) { Status = ex.Status };
                    }
                    if (context.JsonOutput) await context.WriteJsonAsync(json);
                    return await ReportAsync(context.Output, context.Error, request, answer, context.JsonOutput);
                })
                : options.RunAsync(parse, async context =>
                {
                    Check(request);
                    var answer = new MetaReplayAnswer(await Outbox(context, parse).ReplayAsync(request, ct));
                    if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(answer, StateJson.Options));
                    return await ReportAsync(context.Output, context.Error, request, answer, context.JsonOutput);
                });
        });
        return command;
    }

    private static void Check(MetaReplayRequest request)
    {
        if (request.Problem() is not null)
            throw new UsageException(request switch
            {
                { DeliveryId.Length: > 0, All: true } => "give a delivery id or --all, not both",
                { DeliveryId.Length: > 0, Subscriber: not null } => "--subscriber works with --all (every failed notification of that subscriber), not with a delivery id",
                { Subscriber: "" } => "--subscriber is empty",
                _ => "give the delivery id of a failed notification, or --all (see vt meta notifications list --failed)",
            });
    }

    /// <summary>Text lines (unless JSON was written) and the exit code: 1 when a named delivery id is not a failed notification.</summary>
    private static async Task<int> ReportAsync(TextWriter output, TextWriter error, MetaReplayRequest request, MetaReplayAnswer answer, bool json)
    {
        var missing = answer.Results.FirstOrDefault(r => r.Outcome == MetaReplayOutcome.NotFound);
        var unreadable = answer.Results.Where(r => r.Outcome == MetaReplayOutcome.Unreadable).Select(r => MetaOutbox.FailedKey(r.DeliveryId)).ToList();
        if (missing is not null)
            await error.WriteLineAsync($"error: no failed notification with delivery id '{missing.DeliveryId}' (vt meta notifications list --failed shows them)");
        else if (!request.All && unreadable.Count > 0)
        {
            await error.WriteLineAsync($"error: {unreadable[0]} is unreadable (not a notification record); nothing replayed. Delete it or restore it from a backup");
            return ExitCodes.Failure;
        }
        else if (!json) await MetaNotificationText.WriteReplayAsync(output, request, answer.Results.Where(r => r.Outcome != MetaReplayOutcome.Unreadable).ToList());
        await MetaNotificationText.WriteUnreadableAsync(error, unreadable);
        return missing is null ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static MetaOutbox Outbox(CliContext context, ParseResult parse)
    {
        return new MetaOutbox(StateOptions.Location(context, parse).OpenStore(), context.Config.Meta?.Subscribers ?? [], TimeProvider.System);
    }
}
