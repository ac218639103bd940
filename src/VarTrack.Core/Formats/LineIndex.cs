namespace VarTrack.Core.Formats;

/// <summary>Turns a character offset into a 1-based line and column (lines end at \n; a \r before it is not a column).</summary>
public sealed class LineIndex
{
    private readonly List<int> _lineStarts = [0];

    public LineIndex(string text)
    {
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
            _lineStarts.Add(i + 1);
    }

    public SourcePosition PositionOf(int offset)
    {
        var line = _lineStarts.BinarySearch(offset);
        if (line < 0) line = ~line - 1;
        return new SourcePosition(line + 1, offset - _lineStarts[line] + 1);
    }
}
