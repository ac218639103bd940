using System.Text;
using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>What a host sends back for a node route: the status, the JSON body, and for 425 the Retry-After seconds.</summary>
public sealed record NodeAnswer(int StatusCode, object Body)
{
    public int? RetryAfterSeconds { get; init; }

    public string ToJson() => Encoding.UTF8.GetString(StateJson.Serialize(Body));

    public static NodeAnswer Error(int statusCode, string error, string message) => new(statusCode, new NodeError(error, message));
}
