using System.Buffers.Binary;
using System.Text;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// Builds one length-prefixed frame in jute's binary encoding: big-endian ints and longs, one byte per boolean,
/// buffers and strings as an int length (-1 for null) followed by the bytes (strings in UTF-8).
/// </summary>
internal sealed class JuteWriter
{
    private byte[] _buffer;
    private int _length = 4; // the first four bytes are the frame length, filled in by ToFrame

    public JuteWriter(int capacity = 128) => _buffer = new byte[Math.Max(capacity, 16)];

    /// <summary>Bytes written after the frame length.</summary>
    public int PayloadLength => _length - 4;

    public JuteWriter Int(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        return this;
    }

    public JuteWriter Long(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return this;
    }

    public JuteWriter Bool(bool value)
    {
        Reserve(1)[0] = value ? (byte)1 : (byte)0;
        return this;
    }

    public JuteWriter Buffer(byte[]? data)
    {
        if (data is null) return Int(-1);
        Int(data.Length);
        data.CopyTo(Reserve(data.Length));
        return this;
    }

    public JuteWriter String(string text)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        Int(count);
        Encoding.UTF8.GetBytes(text, Reserve(count));
        return this;
    }

    public JuteWriter Acl(IReadOnlyList<ZooKeeperAcl> acl)
    {
        Int(acl.Count);
        foreach (var entry in acl) Int(entry.Permissions).String(entry.Scheme).String(entry.Id);
        return this;
    }

    /// <summary>The frame: payload length, then the payload.</summary>
    public byte[] ToFrame()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer, PayloadLength);
        return _buffer.AsSpan(0, _length).ToArray();
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
