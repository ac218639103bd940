using System.Security.Cryptography;
using System.Text.Json;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The registrations a materializer sees, ordered by identifier, and a hash of what matters to it (identifiers,
/// addresses, metadata; not the timestamps, so re-registering unchanged keeps the snapshot and its cached files).
/// </summary>
public sealed class NodeSnapshot
{
    public NodeSnapshot(IEnumerable<NodeRegistration> registrations)
    {
        Nodes = registrations.OrderBy(r => r.Identifier, StringComparer.Ordinal).ToList();
        Hash = Convert.ToHexStringLower(SHA256.HashData(Canonical(Nodes)));
    }

    public IReadOnlyList<NodeRegistration> Nodes { get; }

    /// <summary>Lowercase hex SHA-256 of the canonical form.</summary>
    public string Hash { get; }

    public NodeRegistration? Find(string identifier) => Nodes.FirstOrDefault(n => n.Identifier == identifier);

    /// <summary>Compact JSON [[identifier, address, metadata], ...]: writing a JsonElement drops the sender's whitespace.</summary>
    private static byte[] Canonical(IReadOnlyList<NodeRegistration> nodes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var node in nodes)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(node.Identifier);
                writer.WriteStringValue(node.Address);
                node.Metadata.WriteTo(writer);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }
}
