namespace VarTrack.Connectors.ZooKeeper;

/// <summary>How a <see cref="ZooKeeperClient"/> connects. The connection string is <c>host:port[,host:port...][/chroot]</c>.</summary>
public sealed record ZooKeeperClientOptions
{
    public required string ConnectionString { get; init; }

    /// <summary>Asked of the server at connect; the server bounds it (by default to 2..20 ticks, i.e. 4..40 s).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>For the TCP connect and the session handshake, per host.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>For each request's reply, counted from when it is queued.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
