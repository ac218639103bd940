using MongoDB.Bson;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// A command the fake server received, for tests that count round trips (e.g. one <c>update</c> per bulk write).
/// <see cref="OpCode"/> is 2013 for OP_MSG, 2004 for a legacy OP_QUERY.
/// </summary>
public sealed record ReceivedCommand(int ConnectionId, int OpCode, string Database, string Name, BsonDocument Command)
{
    /// <summary>Statements carried by a write command (<c>updates</c>, <c>deletes</c> or <c>documents</c>); 0 for others.</summary>
    public int StatementCount => Name switch
    {
        "update" => Command.GetValue("updates", new BsonArray()).AsBsonArray.Count,
        "delete" => Command.GetValue("deletes", new BsonArray()).AsBsonArray.Count,
        "insert" => Command.GetValue("documents", new BsonArray()).AsBsonArray.Count,
        _ => 0,
    };

    public bool IsWrite => Name is "insert" or "update" or "delete";
}
