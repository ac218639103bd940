using System.Text.Json;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Core.Tests.NodeConfig;

/// <summary>Registrations for tests.</summary>
public static class Nodes
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static NodeRegistration Node(string identifier, string address, string metadata = "{}") =>
        new(identifier, address, JsonDocument.Parse(metadata).RootElement.Clone(), T0, T0);

    public static NodeSnapshot Snapshot(params NodeRegistration[] nodes) => new(nodes);
}
