namespace VarTrack.Core.Formats;

/// <summary>
/// Parses one format into the shared <see cref="ConfigNode"/> tree. The root is normally a <see cref="ConfigMap"/>.
/// Malformed input throws <see cref="Errors.VarTrackException"/> with the file and position of the first problem;
/// duplicate keys are errors naming both positions. Scalars keep the author's text; nothing is re-serialised.
/// </summary>
public interface IConfigFormatParser
{
    ConfigFormat Format { get; }

    ConfigNode Parse(SourceText source);
}
