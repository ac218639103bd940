namespace VarTrack.Core.State;

/// <summary>A key as a listing returns it, with the document's last write time when the store reports one (null when it does not).</summary>
public sealed record StateEntry(string Key, DateTimeOffset? Modified);
