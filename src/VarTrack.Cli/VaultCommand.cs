using System.CommandLine;
using System.Text.Json;
using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt vault status|sync --once|check</c>: Vault replication's state per origin and destination, one run now, and
/// the permission self-test. Status and check exit 1 when something is wrong, so they work as health probes.
/// </summary>
internal static class VaultCommand
{
    public static Command Create(VtOptions options) => new("vault", "Vault replication: status, one run now, and the permission check.")
    {
        Status(options),
        Sync(options),
        Check(options),
    };

    private static Command Status(VtOptions options)
    {
        var command = new Command("status", "Per origin and destination: last cycle, paths in sync, pending work, errors. Exit 1 unless all are in sync.")
        {
            StateOptions.Directory, StateOptions.Connection,
        };
        options.AddServer(command);
        command.SetAction((parse, ct) => parse.GetValue(options.Server) is not null
            ? options.RunServerAsync(parse, async context =>
            {
                var (view, json) = await context.Client.GetVaultStatusAsync(ct);
                if (context.JsonOutput) await context.WriteJsonAsync(json);
                else await ReplicationText.WriteStatusAsync(context.Output, view);
                return ExitCodeFor(view);
            })
            : options.RunAsync(parse, async context =>
            {
                await using var host = Host(context, parse);
                var view = ReplicationStatusView.From(await host.Status.StatusAsync(ct));
                if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(view, StateJson.Options));
                else await ReplicationText.WriteStatusAsync(context.Output, view);
                return ExitCodeFor(view);
            }));
        return command;
    }

    private static Command Sync(VtOptions options)
    {
        var once = new Option<bool>("--once") { Description = "Run one replication run now and exit (required: the timer runs in the server or the Functions app)." };
        var destinations = new Option<string[]>("--destination", "-d") { Description = "Only this destination (repeat for several; default: all)." };
        var originOnly = new Option<bool>("--origin-only") { Description = "Refresh the origin's sync info only." };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "Per cycle (default: replication.timeout)." };
        var command = new Command("sync", "Run one replication run now: the origin cycle, then the destination cycles. Exit 1 unless every cycle ended well.")
        {
            once, destinations, originOnly, timeout, StateOptions.Directory, StateOptions.Connection,
        };
        command.SetAction((parse, ct) => options.RunAsync(parse, async context =>
        {
            if (!parse.GetValue(once)) throw new UsageException("vt vault sync needs --once (continuous replication runs in vartrack-server or the Functions app)");
            await using var host = Host(context, parse, createsState: true);
            var names = parse.GetValue(destinations) ?? [];
            var request = new ReplicationCycleRequest(ReplicationCycleIds.For(DateTimeOffset.UtcNow))
            {
                Destinations = names.Length > 0 ? names : null,
                OriginOnly = parse.GetValue(originOnly),
                Timeout = parse.GetValue(timeout) ?? TimeSpan.Zero,
            };
            var result = await host.RunOnceAsync(request, ct);
            if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(result, StateJson.Options));
            else
                foreach (var cycle in new[] { result.Origin }.Concat(result.Destinations))
                    await ReplicationText.WriteCycleAsync(context.Output, cycle);
            return new[] { result.Origin }.Concat(result.Destinations).All(cycle => cycle.EndedWell) ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static Command Check(VtOptions options)
    {
        var command = new Command("check", "Check every permission replication needs (sync info store; origin and destination Vault paths) and list what is missing. Exit 1 if anything is.")
        {
            StateOptions.Directory, StateOptions.Connection,
        };
        command.SetAction((parse, ct) => options.RunAsync(parse, async context =>
        {
            // The check writes, reads and deletes probe documents in the sync info store, which by default is the
            // state folder: like a starting server, it creates the folder.
            await using var host = Host(context, parse, createsState: true);
            var report = await host.AccessCheck.RunAsync(ct);
            if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(report, StateJson.Options));
            else
                foreach (var item in report.Items)
                    await context.Output.WriteLineAsync(item.ToString());
            return report.Ok ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static ReplicationHost Host(CliContext context, ParseResult parse, bool createsState = false) =>
        new(context.Config, StateOptions.Location(context, parse, createsState));

    private static int ExitCodeFor(ReplicationStatusView view) => view.Owners.Count > 0 && view.Owners.All(o => o.InSync) ? ExitCodes.Ok : ExitCodes.Failure;
}
