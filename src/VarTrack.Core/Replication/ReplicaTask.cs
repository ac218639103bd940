using System.Text.Json.Serialization;

namespace VarTrack.Core.Replication;

/// <summary>One copy or delete of a chunk: the origin path and where it lands at the destination.</summary>
internal sealed record ReplicaTask(string OriginPath, string DestinationMount, string DestinationPath)
{
    [JsonIgnore]
    public string Destination => $"{DestinationMount}/{DestinationPath}";
}
