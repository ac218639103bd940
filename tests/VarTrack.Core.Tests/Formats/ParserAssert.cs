using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

/// <summary>The checks every parser's tests share: parse to a map, and fail with exactly one problem at a position.</summary>
internal static class ParserAssert
{
    public static ConfigMap ParsesToMap(IConfigFormatParser parser, string file, string text) =>
        Assert.IsType<ConfigMap>(parser.Parse(SourceText.FromString(file, text)));

    /// <summary>The node is a scalar with exactly this text and type hint.</summary>
    public static ConfigScalar IsScalar(ConfigNode? node, string? text, ScalarKind kind)
    {
        var scalar = Assert.IsType<ConfigScalar>(node);
        Assert.Equal(text, scalar.Text);
        Assert.Equal(kind, scalar.Kind);
        return scalar;
    }

    /// <summary>Parsing fails with one problem naming <paramref name="file"/> at line:column, and the message starts with that location.</summary>
    public static Problem FailsAt(IConfigFormatParser parser, string file, string text, int line, int column)
    {
        var ex = Assert.Throws<VarTrackException>(() => parser.Parse(SourceText.FromString(file, text)));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(file, problem.File);
        Assert.Equal(new SourcePosition(line, column), problem.Position);
        Assert.StartsWith($"{file}:{line}:{column}: ", ex.Message);
        return problem;
    }
}
