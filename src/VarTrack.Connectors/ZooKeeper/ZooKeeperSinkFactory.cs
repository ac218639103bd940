using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// The "zookeeper" sink type. Settings: <c>connection</c> (host:port[,host:port...][/chroot], required), <c>mode</c>
/// (path | dot, default path), <c>session_timeout</c> (default 30s; the server bounds it), <c>acl_user</c> and
/// <c>acl_password</c> (together: addAuth digest and create every znode with a digest ACL for that user only).
/// Connects on first use, not here.
/// </summary>
public sealed class ZooKeeperSinkFactory : ISinkFactory
{
    public string Type => "zookeeper";

    public async Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default)
    {
        var connection = settings.RequiredText("connection");
        try
        {
            ZooKeeperConnectionString.Parse(connection);
        }
        catch (FormatException ex)
        {
            throw Bad(settings, "connection", $"expected host:port[,host:port...][/chroot]: {ex.Message}");
        }

        var mode = settings.Choice("mode", "path") switch
        {
            "path" => ZooKeeperMode.Path,
            "dot" => ZooKeeperMode.Dot,
            var other => throw Bad(settings, "mode", $"'{other}' is not one of path, dot"),
        };

        var sessionTimeout = TimeSpan.FromSeconds(30);
        if (settings.Text("session_timeout") is not null)
        {
            sessionTimeout = settings.Duration("session_timeout") ?? throw Bad(settings, "session_timeout", "expected a duration such as 30s");
            if (sessionTimeout <= TimeSpan.Zero || sessionTimeout.TotalMilliseconds > int.MaxValue)
                throw Bad(settings, "session_timeout", "must be positive and under 24 days");
        }

        var user = settings.Text("acl_user");
        var password = settings.Text("acl_password");
        if ((user is null) != (password is null))
            throw Bad(settings, user is null ? "acl_user" : "acl_password", "acl_user and acl_password go together");
        if (user is not null && (user.Length == 0 || user.Contains(':')))
            throw Bad(settings, "acl_user", "must be a non-empty name without ':'");

        var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectionString = connection, SessionTimeout = sessionTimeout });
        if (user is null) return new ZooKeeperSink(client, mode);
        await client.AddDigestAuthAsync(user, password!, cancellationToken); // not connected yet: remembered and sent at connect
        return new ZooKeeperSink(client, mode, [ZooKeeperAcl.Digest(user, password!)]);
    }

    private static VarTrackException Bad(SinkSettings settings, string setting, string reason) =>
        new(new Problem($"sink '{settings.Name}' (type zookeeper) setting '{setting}': {reason}") { Sink = settings.Name });
}
