using System.Text.Json;

namespace VarTrack.Cli;

/// <summary>What <c>vt node fetch</c> was asked to do, checked (routes parsed, root resolved, metadata parsed).</summary>
internal sealed record NodeFetchRequest(Uri Server, string Identifier, string Token, string Address, JsonElement Metadata,
    IReadOnlyList<NodeFileRoute> Routes, string Root, TimeSpan Timeout, bool AllowUnrouted);
