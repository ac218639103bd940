namespace VarTrack.Core.Workflows;

/// <summary>A sink of vartrack.yaml by name and the destination its template rendered to.</summary>
public sealed record DestinationRef(string Sink, string Destination)
{
    /// <summary>The sink's type (redis, file, ...), for reports.</summary>
    public string Type { get; init; } = "";

    /// <summary>One sync per sink and destination at a time.</summary>
    public string LockKey => $"{Sink}\n{Destination}";
}
