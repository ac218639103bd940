using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Config;

using VarTrack.Core.Secrets;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Checks the bearer token of every node route. Tokens are resolved from their settings once, on first use (a missing
/// variable is then an error naming the setting, which <see cref="NodeConfigService"/> keeps in its log: the caller is
/// not authenticated yet). Comparisons hash both sides with SHA-256 and compare the hashes in
/// constant time, so neither a token's content nor its length leaks through timing, and every per-node token is
/// compared (no early exit that would tell which node's token was close).
/// </summary>
public sealed class NodeAccess
{
    private readonly NodeTokenSettings _settings;
    private readonly SettingResolver _resolver;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (byte[]? Bootstrap, IReadOnlyList<(string Identifier, byte[] Hash)> PerNode)? _tokens;

    public NodeAccess(NodeTokenSettings settings, SettingResolver resolver)
    {
        _settings = settings;
        _resolver = resolver;
    }

    /// <summary>The caller for an <c>Authorization</c> header value, or null when it holds no valid node token.</summary>
    public async Task<NodeCaller?> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (Bearer(authorization) is not { } presented) return null;
        var (bootstrap, perNode) = await TokensAsync(cancellationToken);
        var hash = SecretComparison.Digest(presented);
        if (bootstrap is not null && SecretComparison.Matches(hash, bootstrap)) return NodeCaller.AnyNode;
        string? match = null;
        foreach (var (identifier, token) in perNode)
            if (SecretComparison.Matches(hash, token)) match ??= identifier;
        return match is null ? null : new NodeCaller(match);
    }

    /// <summary>True for the bootstrap token or the host's own admin token (the server's API token).</summary>
    public async Task<bool> IsAdminAsync(string? authorization, string? hostAdminToken, CancellationToken cancellationToken)
    {
        if (Bearer(authorization) is not { } presented) return false;
        var hash = SecretComparison.Digest(presented);
        var (bootstrap, _) = await TokensAsync(cancellationToken);
        var isBootstrap = bootstrap is not null && SecretComparison.Matches(hash, bootstrap);
        var isHost = hostAdminToken is { Length: > 0 } && SecretComparison.Matches(hash, SecretComparison.Digest(hostAdminToken));
        return isBootstrap | isHost;
    }

    private static string? Bearer(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;

    private async Task<(byte[]? Bootstrap, IReadOnlyList<(string, byte[])> PerNode)> TokensAsync(CancellationToken cancellationToken)
    {
        if (_tokens is { } ready) return ready;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_tokens is { } raced) return raced;
            byte[]? bootstrap = null;
            if (_settings.Bootstrap is { } setting)
                bootstrap = SecretComparison.Digest(NonEmpty((await _resolver.ResolveAsync(setting, "'bootstrap' of 'tokens' of 'nodes'", cancellationToken)).Reveal(), "'bootstrap'"));
            var perNode = new List<(string, byte[])>();
            foreach (var (identifier, token) in _settings.PerNode.OrderBy(e => e.Key, StringComparer.Ordinal))
                perNode.Add((identifier, SecretComparison.Digest(NonEmpty((await _resolver.ResolveAsync(token, $"'{identifier}' of 'per_node' of 'tokens' of 'nodes'", cancellationToken)).Reveal(), $"'{identifier}' of 'per_node'"))));
            _tokens = (bootstrap, perNode);
            return _tokens.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An empty token (an empty variable) would let an empty bearer in: refuse to start instead.</summary>
    private static string NonEmpty(string token, string what) => token.Length > 0
        ? token
        : throw new Errors.VarTrackException(new Errors.Problem($"{what} of 'tokens' of 'nodes' resolved to an empty token"));
}
