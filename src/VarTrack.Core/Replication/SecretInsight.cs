namespace VarTrack.Core.Replication;

/// <summary>
/// What replication knows about one secret path: its metadata only, never its values. Two insights that are equal mean
/// nothing changed; any write, soft delete, undelete or destroy changes at least one field.
/// </summary>
/// <param name="Version">The key's <c>current_version</c>.</param>
/// <param name="UpdatedTime">The key's <c>updated_time</c> (kept to 100 ns, as .NET reads Vault's nanoseconds).</param>
/// <param name="State">The state of the latest version.</param>
public sealed record SecretInsight(int Version, DateTimeOffset UpdatedTime, SecretState State);
