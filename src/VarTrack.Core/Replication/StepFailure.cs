namespace VarTrack.Core.Replication;

/// <summary>Why a replication activity could not do its part (activities report failures in results, not exceptions).</summary>
/// <param name="Message">Names owner, cluster, path and reason; never a secret value or token.</param>
/// <param name="Fatal">Bad credentials, missing permission, configuration error: the cycle stops and reports it.</param>
/// <param name="TimedOut">The cycle's deadline passed while the activity ran.</param>
public sealed record StepFailure(string Message, bool Fatal = false, bool TimedOut = false);
