namespace VarTrack.Core.Formats;

/// <summary>
/// A config file's content after the input checks (size, UTF-8, no binary): the decoded text and the same bytes,
/// without a byte-order mark. Parsers that read bytes (JSON) use <see cref="Utf8"/>; the others use <see cref="Text"/>.
/// </summary>
public sealed class SourceText
{
    private LineIndex? _lines;

    public SourceText(string path, string text, ReadOnlyMemory<byte> utf8)
    {
        Path = path;
        Text = text;
        Utf8 = utf8;
    }

    /// <summary>The path used in error messages (repository-relative where known).</summary>
    public string Path { get; }

    public string Text { get; }

    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>Maps character offsets in <see cref="Text"/> to line and column; built on first use.</summary>
    public LineIndex Lines => _lines ??= new LineIndex(Text);

    public static SourceText FromString(string path, string text) =>
        new(path, text, System.Text.Encoding.UTF8.GetBytes(text));
}
