using MongoDB.Bson;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>One decoded request: the command document (OP_MSG document sequences merged in as arrays) and its database.</summary>
internal sealed record FakeMongoRequest(int RequestId, int OpCode, string Database, BsonDocument Command, bool MoreToCome)
{
    public string CommandName => Command.ElementCount == 0 ? "" : Command.GetElement(0).Name;
}
