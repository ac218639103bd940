using System.Net.Sockets;

namespace VarTrack.Connectors;

/// <summary>
/// The reason a request never got an answer, in a few words: the socket error when there is one (HTTP clients bury
/// it under their own wrappers), otherwise the innermost message. Used by the connectors that talk HTTP (Blob, Consul,
/// Kubernetes) so the same failure reads the same everywhere.
/// </summary>
internal static class NetworkCause
{
    public static string Of(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is SocketException socket) return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "host not found",
                SocketError.TimedOut => "connection timed out",
                _ => socket.Message,
            };
        return ex.GetBaseException().Message;
    }
}
