using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// Framing of the MongoDB wire protocol as the fake server needs it: every message starts with a 16-byte header
/// (messageLength, requestID, responseTo, opCode, little-endian int32s). Requests are OP_MSG (2013: flagBits, then
/// sections of kind 0 = the command body and kind 1 = size, identifier and a sequence of documents, merged here into
/// the body as an array under the identifier) or the legacy OP_QUERY (2004) the driver still uses for its first
/// handshake; replies are OP_MSG, or OP_REPLY (1) to an OP_QUERY.
/// </summary>
internal static class FakeMongoWire
{
    public const int OpReply = 1;
    public const int OpQuery = 2004;
    public const int OpMsg = 2013;
    public const int OpCompressed = 2012;

    private const uint ChecksumPresent = 1;
    private const uint MoreToCome = 2;
    private const int MaxMessageSize = 48_000_000;

    private static int _nextRequestId;

    /// <summary>Reads one request; null when the client closed the connection between messages.</summary>
    public static async Task<FakeMongoRequest?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[16];
        if (!await FillAsync(stream, header, cancellationToken)) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var requestId = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (length < 16 || length > MaxMessageSize) throw new InvalidDataException($"message length {length} is out of range");
        var body = new byte[length - 16];
        if (!await FillAsync(stream, body, cancellationToken)) throw new EndOfStreamException("connection closed inside a message");

        return opCode switch
        {
            OpMsg => ParseMessage(requestId, body),
            OpQuery => ParseQuery(requestId, body),
            _ => new FakeMongoRequest(requestId, opCode, "", new BsonDocument("unsupportedOpCode", opCode), MoreToCome: false),
        };
    }

    public static byte[] EncodeMessage(int responseTo, BsonDocument reply)
    {
        var document = reply.ToBson();
        var message = new byte[16 + 4 + 1 + document.Length];
        WriteHeader(message, responseTo, OpMsg);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(16), 0);
        message[20] = 0; // section kind 0: the body
        document.CopyTo(message, 21);
        return message;
    }

    public static byte[] EncodeReply(int responseTo, BsonDocument reply)
    {
        var document = reply.ToBson();
        var message = new byte[16 + 4 + 8 + 4 + 4 + document.Length];
        WriteHeader(message, responseTo, OpReply);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), 0); // responseFlags
        BinaryPrimitives.WriteInt64LittleEndian(message.AsSpan(20), 0); // cursorID
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(28), 0); // startingFrom
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(32), 1); // numberReturned
        document.CopyTo(message, 36);
        return message;
    }

    private static void WriteHeader(byte[] message, int responseTo, int opCode)
    {
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), Interlocked.Increment(ref _nextRequestId));
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
    }

    private static FakeMongoRequest ParseMessage(int requestId, byte[] body)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(body);
        var end = body.Length - ((flags & ChecksumPresent) != 0 ? 4 : 0);
        var position = 4;
        BsonDocument? command = null;
        var sequences = new List<(string Identifier, BsonArray Documents)>();
        while (position < end)
        {
            var kind = body[position++];
            switch (kind)
            {
                case 0:
                    command = ReadDocument(body, ref position);
                    break;
                case 1:
                    var sectionEnd = position + BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
                    position += 4;
                    var identifier = ReadCString(body, ref position);
                    var documents = new BsonArray();
                    while (position < sectionEnd) documents.Add(ReadDocument(body, ref position));
                    sequences.Add((identifier, documents));
                    break;
                default:
                    throw new InvalidDataException($"OP_MSG section kind {kind} is not supported");
            }
        }
        if (command is null) throw new InvalidDataException("OP_MSG without a body section");
        foreach (var (identifier, documents) in sequences) command[identifier] = documents;
        var database = command.TryGetValue("$db", out var db) ? db.AsString : "";
        return new FakeMongoRequest(requestId, OpMsg, database, command, (flags & MoreToCome) != 0);
    }

    private static FakeMongoRequest ParseQuery(int requestId, byte[] body)
    {
        var position = 4; // flags
        var fullCollectionName = ReadCString(body, ref position);
        position += 8; // numberToSkip, numberToReturn
        var query = ReadDocument(body, ref position);
        // A command sent through OP_QUERY may be wrapped as {$query: command, $readPreference: ...}.
        var command = query.TryGetValue("$query", out var inner) ? inner.AsBsonDocument : query;
        var database = fullCollectionName.EndsWith(".$cmd", StringComparison.Ordinal) ? fullCollectionName[..^5] : fullCollectionName;
        return new FakeMongoRequest(requestId, OpQuery, database, command, MoreToCome: false);
    }

    private static BsonDocument ReadDocument(byte[] buffer, ref int position)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(position));
        using var stream = new MemoryStream(buffer, position, length, writable: false);
        position += length;
        return BsonSerializer.Deserialize<BsonDocument>(stream);
    }

    private static string ReadCString(byte[] buffer, ref int position)
    {
        var end = Array.IndexOf(buffer, (byte)0, position);
        var text = Encoding.UTF8.GetString(buffer, position, end - position);
        position = end + 1;
        return text;
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new EndOfStreamException("connection closed inside a message");
            }
            read += n;
        }
        return true;
    }
}
