namespace VarTrack.Core.Releases.Age;

/// <summary>
/// Malformed age input: a bad header, bad base64, a wrong header MAC, a payload that fails authentication (corrupted,
/// truncated or with data appended), bad ASCII armor, or a bad recipient/identity string. The message names what is
/// wrong and where; <see cref="HeaderLine"/> (1-based) and <see cref="Offset"/> (byte offset into the binary file,
/// i.e. after removing ASCII armor) are set when the problem has such a place.
/// </summary>
public sealed class AgeFormatException : AgeException
{
    public AgeFormatException(string message, int? headerLine = null, long? offset = null) : base(message)
    {
        HeaderLine = headerLine;
        Offset = offset;
    }

    public int? HeaderLine { get; }

    public long? Offset { get; }
}
