namespace VarTrack.Connectors.Redis;

/// <summary>
/// Redis could not be reached, refused authentication, timed out or rejected a command. The message names the
/// destination and the reason, never the connection string, a password or a value. (A lost optimistic write is a
/// <see cref="VarTrack.Core.Sync.DestinationChangedException"/> instead.)
/// </summary>
public sealed class RedisSinkException(string message, Exception? inner = null) : Exception(message, inner);
