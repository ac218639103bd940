using System.CommandLine;
using System.Net;
using System.Text.Json;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Text;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt node fetch</c>: the node side of node bootstrap, for systemd units and Kubernetes init containers. Registers
/// with a VarTrack server, waits until its config is ready, verifies and writes the files all or nothing, and exits
/// with a code an init system can act on (<see cref="ExitCodes"/>). Needs no vartrack.yaml.
/// </summary>
internal static class NodeCommand
{
    /// <summary>Read when <c>--token</c> is not given (preferred: it stays out of the process list).</summary>
    public const string TokenVariable = "VT_NODE_TOKEN";

    public static Command Create(TextWriter output, TextWriter error, string workingDirectory) => new("node", "Node bootstrap: fetch this node's config files from a VarTrack server.")
    {
        Fetch(output, error, workingDirectory),
    };

    private static Command Fetch(TextWriter output, TextWriter error, string workingDirectory)
    {
        var server = new Option<string>("--server") { Description = "The VarTrack server (or Functions app) URL.", Required = true };
        var id = new Option<string>("--id") { Description = "This node's identifier (letters, digits, '.', '_', '-').", Required = true };
        var token = new Option<string?>("--token") { Description = $"The bootstrap or per-node token (default: ${TokenVariable}, which keeps it out of the process list)." };
        var route = new Option<string[]>("--route") { Description = "SOURCE=DESTINATION: '/config.yaml=/etc/app/config.yaml' or 'shared/*=/etc/app/shared/' (repeat).", AllowMultipleArgumentsPerToken = false };
        var root = new Option<string?>("--root") { Description = "Destinations are inside this folder (default /)." };
        var timeout = new Option<string?>("--timeout") { Description = "Give up after this long (default 5m), e.g. 30s, 10m." };
        var allowUnrouted = new Option<bool>("--allow-unrouted") { Description = "Write files no route takes at <root>/<path> instead of refusing the payload (needs an explicit --root)." };
        var address = new Option<string?>("--address") { Description = "The address to register (IPv4, IPv6 or host name; default: this host's name)." };
        var metadata = new Option<string?>("--metadata") { Description = "JSON registered with the node, available to templates as metadata (default {})." };
        var command = new Command("fetch", "Register, wait until config is ready, verify every file's SHA-256 and write them all or nothing.")
        {
            server, id, token, route, root, timeout, allowUnrouted, address, metadata,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                if (parse.GetValue(allowUnrouted) && parse.GetValue(root) is null)
                    throw new UsageException("--allow-unrouted needs an explicit --root: the server would otherwise choose paths under /");
                var request = new NodeFetchRequest(
                    ServerUrl(parse.GetValue(server)!),
                    Identifier(parse.GetValue(id)!),
                    Token(parse.GetValue(token)),
                    Address(parse.GetValue(address)),
                    Metadata(parse.GetValue(metadata)),
                    (parse.GetValue(route) ?? []).Select(NodeFileRoute.Parse).ToList(),
                    Root(parse.GetValue(root), workingDirectory),
                    Timeout(parse.GetValue(timeout)),
                    parse.GetValue(allowUnrouted));
                return await new NodeFetch(request, output).RunAsync(ct);
            }
            catch (UsageException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (NodeFetchException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return ex.ExitCode;
            }
            catch (NodeFileWriteException ex)
            {
                await error.WriteLineAsync($"error: writing the files failed ({ex.Message}) and {ex.Unrestored.Count} could not be restored: {string.Join("; ", ex.Unrestored)}; the next run retries the rollback");
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: writing the files failed, nothing was left changed: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Uri ServerUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new UsageException($"--server must be an http or https URL such as https://vartrack.example (got '{text}')");
        if (url.UserInfo.Length > 0) throw new UsageException("--server must not contain credentials; pass the token with --token or $" + TokenVariable);
        var path = url.GetLeftPart(UriPartial.Path);
        return new Uri(path.EndsWith('/') ? path : path + "/");
    }

    private static string Token(string? text) => (text ?? Environment.GetEnvironmentVariable(TokenVariable)) is { Length: > 0 } token
        ? token
        : throw new UsageException($"a token is required: --token or ${TokenVariable}");

    private static string Identifier(string text) => NodeIdentifier.IsValid(text) ? text : throw new UsageException($"--id '{text}' must be {NodeIdentifier.Rule}");

    private static string Address(string? text)
    {
        var address = text ?? Dns.GetHostName();
        return NodeAddress.IsValid(address) ? address : throw new UsageException($"--address '{address}' must be an IPv4 address, an IPv6 address or a host name");
    }

    private static JsonElement Metadata(string? text)
    {
        try
        {
            using var document = JsonDocument.Parse(text ?? "{}");
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new UsageException($"--metadata is not JSON: {ex.Message}");
        }
    }

    private static string Root(string? text, string workingDirectory)
    {
        var root = Path.GetFullPath(text ?? "/", workingDirectory);
        return Directory.Exists(root) ? root : throw new UsageException($"--root '{text}' is not an existing folder");
    }

    private static TimeSpan Timeout(string? text)
    {
        if (text is null) return TimeSpan.FromMinutes(5);
        return DurationText.TryParse(text, out var value) && value > TimeSpan.Zero ? value : throw new UsageException($"--timeout '{text}' must be a duration such as 30s, 5m or 1h");
    }
}
