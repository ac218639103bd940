using System.Text.Json;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt node fetch</c>: register, poll for config, verify, write. Polling backs off exponentially from 1 s to at
/// most 30 s with jitter (a cluster starting at once does not poll in step) and waits exactly what a 425's
/// Retry-After asks (plus up to 10% jitter, never less). Unreachable servers and 5xx answers are retried the same way
/// until <c>--timeout</c>; 401/403 and 404 stop at once (retrying cannot help). Nothing is written until every file
/// is verified (SHA-256, path, mode, route) and planned (<see cref="NodeFileWriter"/>).
/// </summary>
internal sealed class NodeFetch(NodeFetchRequest request, TextWriter output, HttpMessageHandler? handler = null)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        // A run killed while writing left a journal: finish or undo it before anything else, so the tree is consistent.
        if (new NodeFileWriter(request.Root).Recover() is { } recovered) await output.WriteLineAsync(recovered);
        using var client = new NodeFetchClient(request.Server, request.Token, handler);
        string last = "no answer yet";
        try
        {
            last = await RegisterAsync(client, deadline.Token);
            var payload = await PollAsync(client, deadline.Token, reason => last = reason);
            Write(payload);
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NodeFetchException($"no config for node '{request.Identifier}' within {request.Timeout}; last: {last}", ExitCodes.NodeTimeout);
        }
    }

    private async Task<string> RegisterAsync(NodeFetchClient client, CancellationToken ct)
    {
        var registration = new NodeRegisterRequest
        {
            SchemaVersion = NodeContract.SchemaVersion,
            Identifier = request.Identifier,
            Address = request.Address,
            Metadata = request.Metadata,
        };
        for (var attempt = 0; ; attempt++)
        {
            var answer = await client.RegisterAsync(registration, ct);
            if (answer.Status == 202)
            {
                await output.WriteLineAsync($"registered node '{request.Identifier}' (address {request.Address}) with {client.BaseUrl}");
                return "registered";
            }
            Stop(answer, "registering");
            await WaitAsync(answer, attempt, $"cannot register yet: {Describe(answer)}", ct);
        }
    }

    private async Task<NodeConfigPayload> PollAsync(NodeFetchClient client, CancellationToken ct, Action<string> last)
    {
        for (var attempt = 0; ; attempt++)
        {
            var answer = await client.ConfigAsync(request.Identifier, ct);
            if (answer.Status == 200) return Parse(answer.Body);
            Stop(answer, "fetching config");
            if (answer.Status == NodeContract.NotReadyStatus && answer.Error == NodeContract.NotRegisteredError)
            {
                // The server lost this node's registration (or never kept it): waiting would never end, register again.
                // Then wait as asked, so a server that keeps forgetting is not hammered.
                await output.WriteLineAsync($"the server does not know node '{request.Identifier}' ({answer.Message}); registering again");
                await RegisterAsync(client, ct);
            }
            var reason = answer.Status == NodeContract.NotReadyStatus ? $"not ready: {answer.Message}" : Describe(answer);
            last(reason);
            await WaitAsync(answer, attempt, reason, ct);
        }
    }

    /// <summary>Answers that retrying cannot change end the run with their exit code.</summary>
    private void Stop(NodeFetchClient.Answer answer, string doing)
    {
        switch (answer.Status)
        {
            case 401 or 403:
                throw new NodeFetchException($"the server refused {doing} for node '{request.Identifier}': {Describe(answer)}", ExitCodes.NodeUnauthorized);
            case 404:
                throw new NodeFetchException($"{Describe(answer)}", ExitCodes.NodeMissing);
            case 400 or 413 or 422:
                throw new NodeFetchException($"the server refused the request {doing}: {Describe(answer)}", ExitCodes.Failure);
        }
    }

    private async Task WaitAsync(NodeFetchClient.Answer answer, int attempt, string reason, CancellationToken ct)
    {
        TimeSpan delay;
        if (answer.RetryAfter is { } asked && asked > TimeSpan.Zero)
            delay = asked + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * asked.TotalMilliseconds * 0.1);
        else
        {
            var ceiling = TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 10))));
            // "Equal jitter": at least half the backoff, so retries still slow down, at most all of it.
            delay = ceiling / 2 + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling.TotalMilliseconds / 2);
        }
        await output.WriteLineAsync($"waiting: {reason}; next try in {delay.TotalSeconds:0.#} s");
        await Task.Delay(delay, ct);
    }

    private NodeConfigPayload Parse(string body)
    {
        NodeConfigPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<NodeConfigPayload>(body, StateJson.Options);
        }
        catch (JsonException ex)
        {
            throw new NodeFetchException($"the server's config answer is not the expected JSON: {ex.Message}", ExitCodes.Failure);
        }
        if (payload?.Files is null)
            throw new NodeFetchException("the server's config answer has no 'files'; is --server a VarTrack server?", ExitCodes.Failure);
        if (payload.SchemaVersion != NodeContract.SchemaVersion)
            throw new NodeFetchException($"the server answered schema_version {payload.SchemaVersion}; this vt reads {NodeContract.SchemaVersion}", ExitCodes.Failure);
        if (payload.Identifier != request.Identifier)
            throw new NodeFetchException($"refused: the payload is for node '{payload.Identifier}', not '{request.Identifier}'; nothing was written", ExitCodes.NodeRefused);
        return payload;
    }

    private void Write(NodeConfigPayload payload)
    {
        var files = new List<(string, string, byte[], string?)>();
        foreach (var file in payload.Files)
        {
            if (file?.Path is null || file.Content is null || file.Sha256 is null || file.Encoding is null)
                throw Refused("a file of the payload lacks path, content, encoding or sha256");
            if (NodeFilePath.Normalize(file.Path, out var problem) is not { } normal || normal != file.Path)
                throw Refused($"payload path '{NodeFilePath.Printable(file.Path)}' {problem ?? "is not normalised"}");
            byte[] content;
            try
            {
                content = file.Decode();
            }
            catch (FormatException ex)
            {
                throw Refused($"'{file.Path}': {ex.Message}");
            }
            if (!string.Equals(NodeFile.HashOf(content), file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw Refused($"the SHA-256 of '{file.Path}' does not match its content: corrupted in transit (use https: the digest detects corruption, not tampering)");
            if (file.Mode is not null && !NodeArtifactCheck.IsMode(file.Mode))
                throw Refused($"'{file.Path}' has mode '{NodeFilePath.Printable(file.Mode)}'; only octal permission bits (e.g. 0600) are accepted");
            var (route, destination) = NodeFileRoute.Find(request.Routes, file.Path);
            if (route is null)
            {
                if (!request.AllowUnrouted)
                    throw Refused($"no --route takes '{file.Path}' (add a route, or --allow-unrouted to write it at <root>/{file.Path})");
                destination = file.Path;
            }
            files.Add((file.Path, destination!, content, file.Mode));
        }
        var writer = new NodeFileWriter(request.Root);
        var planned = writer.Plan(files);
        writer.Write(planned);
        foreach (var file in planned)
            output.WriteLine($"wrote {file.Destination} ({file.Mode ?? "0644"}, {file.Content.Length} bytes)");
        output.WriteLine($"node '{request.Identifier}': {planned.Count} files written (snapshot {payload.Snapshot?[..Math.Min(12, payload.Snapshot.Length)]})");
    }

    private static string Describe(NodeFetchClient.Answer answer) => answer.Status == 0
        ? answer.Message
        : $"{answer.Status} {answer.Error ?? "error"}: {answer.Message}";

    private static NodeFetchException Refused(string message) => new($"refused: {message}; nothing was written", ExitCodes.NodeRefused);
}
