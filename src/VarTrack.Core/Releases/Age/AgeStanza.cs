namespace VarTrack.Core.Releases.Age;

/// <summary>
/// One recipient stanza of an age header: its arguments (the first names the recipient type) and its decoded body.
/// <see cref="Line"/> (1-based) and <see cref="Offset"/> locate its "-> " line for error messages (0 for stanzas being written).
/// </summary>
internal sealed record AgeStanza(IReadOnlyList<string> Arguments, byte[] Body, int Line = 0, long Offset = 0)
{
    public string Type => Arguments[0];
}
