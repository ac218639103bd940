using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Core.NodeConfig;

/// <summary>The key results are cached and persisted under: a hash of the materializer's version and the snapshot.</summary>
public static class MaterializationKey
{
    public static string Of(string version, NodeSnapshot snapshot) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(version + "\n" + snapshot.Hash)));
}
