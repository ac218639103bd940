using System.Buffers.Binary;
using System.Text;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>Reads jute-encoded fields from one received frame; a short or malformed frame throws <see cref="InvalidDataException"/>.</summary>
internal sealed class JuteReader(byte[] frame)
{
    private int _position;

    public bool AtEnd => _position >= frame.Length;

    public int Int() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Long() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool Bool() => Take(1)[0] != 0;

    public byte[]? Buffer()
    {
        var length = Int();
        return length switch
        {
            -1 => null,
            < 0 => throw new InvalidDataException($"negative buffer length {length}"),
            _ => Take(length).ToArray(),
        };
    }

    public string String()
    {
        var length = Int();
        if (length < 0) throw new InvalidDataException($"negative string length {length}");
        return Encoding.UTF8.GetString(Take(length));
    }

    public IReadOnlyList<string> Strings()
    {
        var count = Int();
        if (count < 0) return [];
        var items = new string[count];
        for (var i = 0; i < count; i++) items[i] = String();
        return items;
    }

    public ZooKeeperStat Stat() => new(
        Czxid: Long(), Mzxid: Long(), Ctime: Long(), Mtime: Long(), Version: Int(), Cversion: Int(), Aversion: Int(),
        EphemeralOwner: Long(), DataLength: Int(), NumChildren: Int(), Pzxid: Long());

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > frame.Length - _position) throw new InvalidDataException($"frame of {frame.Length} bytes ends before a field of {count} bytes at {_position}");
        var span = frame.AsSpan(_position, count);
        _position += count;
        return span;
    }
}
