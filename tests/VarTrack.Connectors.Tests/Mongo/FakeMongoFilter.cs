using MongoDB.Bson;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// The part of MongoDB's query language the fake understands: top-level (or dotted-path) equality, where a null
/// operand also matches a missing field, and the operators <c>$eq</c>, <c>$ne</c> and <c>$exists</c>. Numbers compare
/// by value across int32/int64/double; documents compare exactly, field order included, as in MongoDB. Anything else
/// is refused with an error naming it, so a sink relying on more shows up as a failing test, not a wrong answer.
/// </summary>
internal static class FakeMongoFilter
{
    public static bool Matches(BsonDocument document, BsonDocument filter)
    {
        foreach (var element in filter)
        {
            if (element.Name.StartsWith('$'))
                throw FakeMongoCommandError.BadValue($"fake MongoDB does not support the query operator '{element.Name}'");
            var found = TryGetPath(document, element.Name, out var value);
            if (element.Value is BsonDocument operators && operators.ElementCount > 0 && operators.GetElement(0).Name.StartsWith('$'))
            {
                foreach (var op in operators)
                {
                    var ok = op.Name switch
                    {
                        "$eq" => AreEqual(found ? value : null, op.Value),
                        "$ne" => !AreEqual(found ? value : null, op.Value),
                        "$exists" => found == op.Value.ToBoolean(),
                        _ => throw FakeMongoCommandError.BadValue($"fake MongoDB does not support the query operator '{op.Name}'"),
                    };
                    if (!ok) return false;
                }
            }
            else if (!AreEqual(found ? value : null, element.Value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The _id a filter pins by plain equality (what an upsert takes as the new document's _id), if any.</summary>
    public static BsonValue? EqualityId(BsonDocument filter) =>
        filter.TryGetValue("_id", out var id) && !(id is BsonDocument d && d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$')) ? id : null;

    public static bool AreEqual(BsonValue? stored, BsonValue operand)
    {
        if (operand.IsBsonNull) return stored is null || stored.IsBsonNull || stored.IsBsonUndefined;
        if (stored is null) return false;
        if (stored.IsNumeric && operand.IsNumeric) return stored.ToDecimal() == operand.ToDecimal();
        return stored.Equals(operand);
    }

    private static bool TryGetPath(BsonDocument document, string path, out BsonValue value)
    {
        // Stored field names may contain dots (MongoDB 5+); a direct hit wins, as the sink only filters on simple names.
        if (document.TryGetValue(path, out value)) return true;
        var current = (BsonValue)document;
        foreach (var part in path.Split('.'))
        {
            if (current is not BsonDocument sub || !sub.TryGetValue(part, out current))
            {
                value = BsonNull.Value;
                return false;
            }
        }
        value = current;
        return true;
    }
}
