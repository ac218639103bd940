namespace VarTrack.Connectors.S3;

/// <summary>A failure found by the sink itself (a refused delete); <see cref="S3Sink"/> adds bucket and destination.</summary>
internal sealed class S3StoreFailure(string reason) : Exception(reason);
