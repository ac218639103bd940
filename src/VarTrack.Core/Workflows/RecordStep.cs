namespace VarTrack.Core.Workflows;

/// <summary>Activity input ending a file's sync: the destinations that now hold the file's values.</summary>
public sealed record RecordStep(FileSync File, IReadOnlyList<DestinationRef> Applied);
