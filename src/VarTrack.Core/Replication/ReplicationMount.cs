namespace VarTrack.Core.Replication;

/// <summary>An origin KV v2 mount (<c>secret</c>, <c>team/kv</c>) and the folder under it to replicate ("" = all of it).</summary>
public sealed record ReplicationMount(string Mount, string Prefix = "")
{
    public override string ToString() => Prefix.Length == 0 ? Mount : $"{Mount}/{Prefix}";
}
