namespace VarTrack.Connectors.Tests.Vault;

/// <summary>One request seen by <see cref="RecordingHandler"/>: <c>METHOD /path</c> and its headers.</summary>
public sealed record RecordedRequest(string Line, IReadOnlyDictionary<string, string> Headers);
