using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Errors;
using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The node routes, written once for every host: register, config, list. Hosts read the body (bounded by
/// <see cref="NodeContract.MaxRequestBytes"/>), pass the <c>Authorization</c> header and send back the
/// <see cref="NodeAnswer"/>. Every answer is JSON; an unexpected failure is a 500 carrying a correlation id that is
/// also in the log with the exception, never a stack trace in the body. Tokens and file contents are never logged.
/// </summary>
public sealed class NodeConfigService
{
    private readonly NodeSettings _settings;
    private readonly INodeRegistry _registry;
    private readonly IMaterializer _materializer;
    private readonly NodeAccess _access;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public NodeConfigService(NodeSettings settings, INodeRegistry registry, IMaterializer materializer, NodeAccess access, TimeProvider time, ILogger<NodeConfigService>? logger = null)
    {
        _settings = settings;
        _registry = registry;
        _materializer = materializer;
        _access = access;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(_settings.RetryAfter.TotalSeconds));

    /// <summary>The answer for a body over <see cref="NodeContract.MaxRequestBytes"/> (hosts stop reading at the limit).</summary>
    public static NodeAnswer TooLarge() => NodeAnswer.Error(413, "payload_too_large", $"the body is larger than {NodeContract.MaxRequestBytes} bytes");

    /// <summary><c>POST /api/nodes/register</c>: 202 with the stored registration; re-registering updates it.</summary>
    public Task<NodeAnswer> RegisterAsync(string? authorization, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => GuardAsync("register", async () =>
    {
        var caller = await Tokens(() => _access.AuthenticateAsync(authorization, cancellationToken));
        if (caller is null) return Unauthorized();
        if (Parse<NodeRegisterRequest>(body, out var request) is { } malformed) return malformed;
        if ((CheckVersion(request.SchemaVersion) ?? CheckIdentifier(request.Identifier)) is { } bad) return bad;
        if (!NodeAddress.IsValid(request.Address))
            return NodeAnswer.Error(400, "bad_address", "'address' must be an IPv4 address, an IPv6 address or a host name (no port, no brackets)");
        if (!caller.MayActAs(request.Identifier!)) return IdentityMismatch(request.Identifier!);

        var metadata = request.Metadata is { ValueKind: not JsonValueKind.Undefined } given ? given : EmptyObject;
        var size = JsonSerializer.SerializeToUtf8Bytes(metadata).Length;
        if (size > NodeContract.MaxMetadataBytes)
            return NodeAnswer.Error(400, "metadata_too_large", $"'metadata' is {size} bytes as compact JSON; at most {NodeContract.MaxMetadataBytes} are kept");
        var stored = await Registry(() => _registry.RegisterAsync(request.Identifier!, request.Address!, metadata, _time.GetUtcNow(), cancellationToken));
        _logger.LogInformation("Node {Identifier} registered with address {Address} in deployment {Deployment}", stored.Identifier, stored.Address, _settings.Deployment);
        return new NodeAnswer(202, new NodeRegistered(NodeContract.SchemaVersion, stored.Identifier, stored.RegisteredAt, stored.UpdatedAt));
    });

    /// <summary><c>POST /api/nodes/config</c>: 200 with the node's files then the shared ones, 425 not ready, 404 missing.</summary>
    public Task<NodeAnswer> ConfigAsync(string? authorization, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => GuardAsync("config", async () =>
    {
        var caller = await Tokens(() => _access.AuthenticateAsync(authorization, cancellationToken));
        if (caller is null) return Unauthorized();
        if (Parse<NodeConfigRequest>(body, out var request) is { } malformed) return malformed;
        if ((CheckVersion(request.SchemaVersion) ?? CheckIdentifier(request.Identifier)) is { } bad) return bad;
        var identifier = request.Identifier!;
        if (!caller.MayActAs(identifier)) return IdentityMismatch(identifier);

        // An identifier outside an explicit list never gets config, registered or not: say so before anything else.
        if (_settings.Materializer.Identifiers is { } expected && !expected.Contains(identifier, StringComparer.Ordinal))
            return Missing(identifier, $"node '{identifier}' is not one of the expected identifiers");
        var snapshot = new NodeSnapshot(await Registry(() => _registry.ListAsync(cancellationToken)));
        if (snapshot.Find(identifier) is null) return NotRegistered(identifier);
        switch (await MaterializeAsync(snapshot, cancellationToken))
        {
            case MaterializationNotReady notReady:
                return notReady.MissingReasons.TryGetValue(identifier, out var never) ? Missing(identifier, never) : NotReady(notReady.Reason);
            case MaterializationMissing missing:
                return Missing(identifier, missing.Reason);
            case MaterializationReady ready:
                if (ready.FilesFor(identifier) is not { } files)
                    return Missing(identifier, ready.MissingReasons.GetValueOrDefault(identifier) ?? $"the materializer made no files for node '{identifier}'");
                var made = ready.Snapshot ?? snapshot.Hash;
                _logger.LogInformation("Node {Identifier} fetched {Count} files of snapshot {Snapshot}", identifier, files.Count, made[..12]);
                return new NodeAnswer(200, new NodeConfigPayload(NodeContract.SchemaVersion, identifier, made, files.Select(NodeFile.From).ToList()));
            default:
                throw new InvalidOperationException("the materializer returned an unknown result");
        }
    });

    /// <summary><c>GET /api/nodes</c> (admin: the bootstrap token or the host's API token): registrations and readiness, never file contents.</summary>
    public Task<NodeAnswer> ListAsync(string? authorization, string? hostAdminToken, CancellationToken cancellationToken) => GuardAsync("list", async () =>
    {
        if (!await Tokens(() => _access.IsAdminAsync(authorization, hostAdminToken, cancellationToken)))
            return NodeAnswer.Error(401, "unauthorized", "listing nodes needs the bootstrap token or the server's API token as a bearer token");
        var snapshot = new NodeSnapshot(await Registry(() => _registry.ListAsync(cancellationToken)));
        string state;
        string? reason = null;
        Func<NodeRegistration, (string, string?)> each;
        try
        {
            var result = await MaterializeAsync(snapshot, cancellationToken);
            (state, reason) = result switch
            {
                MaterializationNotReady n => ("not_ready", n.Reason),
                MaterializationMissing m => ("missing", m.Reason),
                _ => ("ready", null),
            };
            each = result is MaterializationReady ready
                ? node => ready.NodeFiles.ContainsKey(node.Identifier) ? ("ready", null) : ("missing", ready.MissingReasons.GetValueOrDefault(node.Identifier))
                : node => result is MaterializationNotReady n && n.MissingReasons.TryGetValue(node.Identifier, out var never) ? ("missing", never) : (state, null);
        }
        catch (VarTrackException ex)
        {
            (state, reason) = ("error", string.Join("; ", ex.Problems));
            each = _ => ("error", null);
        }
        var nodes = snapshot.Nodes.Select(n =>
        {
            var (nodeState, nodeReason) = each(n);
            return new NodeStatus(n.Identifier, n.Address, n.Metadata, n.RegisteredAt, n.UpdatedAt, nodeState) { Reason = nodeReason };
        }).ToList();
        return new NodeAnswer(200, new NodeList(NodeContract.SchemaVersion, _settings.Deployment, snapshot.Hash, state, nodes) { Reason = reason });
    });

    private async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken)
    {
        // Any materializer's result is checked before it is served; a cached one was checked when it was cached.
        var result = await _materializer.MaterializeAsync(snapshot, cancellationToken);
        return result is MaterializationReady ready ? NodeArtifactCheck.Checked(ready) : result;
    }

    private async Task<NodeAnswer> GuardAsync(string route, Func<Task<NodeAnswer>> work)
    {
        try
        {
            return await work();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            var correlation = Guid.NewGuid().ToString("N")[..16];
            _logger.LogError(ex, "Node route {Route} failed (correlation id {CorrelationId})", route, correlation);
            // Problems name settings, templates and paths, never values; any other exception stays in the log only.
            var answer = ex switch
            {
                // The caller is not authenticated yet: the problem (it names variables and secret paths) stays in the log.
                TokenFailure => new NodeError("internal_error", $"the server cannot check tokens; the server log has the details under correlation id {correlation}"),
                RegistryFailure { InnerException: VarTrackException known } => new NodeError("registry_failed", $"{string.Join("; ", known.Problems)} (correlation id {correlation})"),
                RegistryFailure => new NodeError("registry_failed", $"the node registry ({_registry.Description}) failed; the server log has the details under correlation id {correlation}"),
                VarTrackException known => new NodeError("materialization_failed", $"{string.Join("; ", known.Problems)} (correlation id {correlation})"),
                _ => new NodeError("internal_error", $"the node config service failed; the server log has the details under correlation id {correlation}"),
            };
            return new NodeAnswer(500, answer with { CorrelationId = correlation });
        }
    }

    /// <summary>Marks a registry failure so it is answered as one (registry_failed), not as a materialization failure.</summary>
    private static async Task<T> Registry<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RegistryFailure(ex);
        }
    }

    private sealed class RegistryFailure(Exception inner) : Exception(inner.Message, inner);

    /// <summary>Marks a failure to resolve the token settings, which happens before the caller is known.</summary>
    private static async Task<T> Tokens<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TokenFailure(ex);
        }
    }

    private sealed class TokenFailure(Exception inner) : Exception(inner.Message, inner);

    private NodeAnswer NotReady(string reason) => new(NodeContract.NotReadyStatus, new NodeError("not_ready", reason)) { RetryAfterSeconds = RetryAfterSeconds };

    /// <summary>425 with its own code: a client that registered and gets this lost its registration and registers again.</summary>
    private NodeAnswer NotRegistered(string identifier) =>
        new(NodeContract.NotReadyStatus, new NodeError(NodeContract.NotRegisteredError, $"node '{identifier}' is not registered; register it first")) { RetryAfterSeconds = RetryAfterSeconds };

    private static NodeAnswer Missing(string identifier, string reason) =>
        NodeAnswer.Error(404, "missing", $"node '{identifier}' will never get config: {reason}");

    private static NodeAnswer Unauthorized() =>
        NodeAnswer.Error(401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <node token>)");

    /// <summary>Names the identifier asked for (the caller sent it), never the token nor whose token it is.</summary>
    private static NodeAnswer IdentityMismatch(string identifier) =>
        NodeAnswer.Error(403, "identity_mismatch", $"the token is not the token of node '{identifier}': a per-node token can only register and fetch as its own identifier");

    private static NodeAnswer? CheckVersion(int? version) => version is null or NodeContract.SchemaVersion
        ? null
        : NodeAnswer.Error(400, "unsupported_version", $"schema_version {version} is not supported; this server speaks {NodeContract.SchemaVersion}");

    private static NodeAnswer? CheckIdentifier(string? identifier) => NodeIdentifier.IsValid(identifier)
        ? null
        : NodeAnswer.Error(400, "bad_identifier", $"'identifier' must be {NodeIdentifier.Rule}");

    private static NodeAnswer? Parse<T>(ReadOnlyMemory<byte> body, out T request) where T : class, new()
    {
        request = new T();
        if (body.IsEmpty) return NodeAnswer.Error(400, "malformed_request", "the body is empty; send a JSON object");
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return NodeAnswer.Error(400, "malformed_request", "the body must be a JSON object");
            request = document.RootElement.Deserialize<T>(StateJson.Options) ?? request;
            return null;
        }
        catch (JsonException ex)
        {
            return NodeAnswer.Error(400, "malformed_request", $"the body is not the expected JSON: {ex.Message}");
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
