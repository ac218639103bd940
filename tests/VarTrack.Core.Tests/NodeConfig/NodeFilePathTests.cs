using VarTrack.Core.NodeConfig;

namespace VarTrack.Core.Tests.NodeConfig;

public sealed class NodeFilePathTests
{
    [Theory]
    [InlineData("config.yaml", "config.yaml")]
    [InlineData("./a//b/./c.txt", "a/b/c.txt")]
    [InlineData("shared/peers.txt/", "shared/peers.txt")]
    [InlineData("..data/x", "..data/x")]
    public void Relative_paths_are_normalised(string path, string expected) => Assert.Equal(expected, NodeFilePath.Normalize(path, out _));

    [Theory]
    [InlineData("../x", "must not contain '..'")]
    [InlineData("a/../../x", "must not contain '..'")]
    [InlineData("/etc/passwd", "must be relative (it starts with '/')")]
    [InlineData("C:/Windows", "must be relative (it starts with a drive letter)")]
    [InlineData("a\\..\\b", "must use '/' as separator (it contains '\\')")]
    [InlineData("a\nb", "contains a control character")]
    [InlineData("", "is empty")]
    [InlineData("./.", "is empty")]
    public void Paths_that_could_escape_a_root_are_refused(string path, string problem)
    {
        Assert.Null(NodeFilePath.Normalize(path, out var found));
        Assert.Equal(problem, found);
    }

    [Fact]
    public void Physical_paths_see_through_symbolic_links()
    {
        var root = Directory.CreateTempSubdirectory("vt-phys-").FullName;
        var outside = Directory.CreateTempSubdirectory("vt-phys-out-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "real"));
            Directory.CreateSymbolicLink(Path.Combine(root, "inside"), "real");
            Directory.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
            Directory.CreateSymbolicLink(Path.Combine(root, "real", "up"), "../..");

            Assert.True(PhysicalPath.IsInside(Path.Combine(root, "inside", "new", "file"), root));
            Assert.False(PhysicalPath.IsInside(Path.Combine(root, "escape", "file"), root));
            Assert.False(PhysicalPath.IsInside(Path.Combine(root, "inside", "up", "x"), root));
            Assert.Equal(Path.Combine(PhysicalPath.Resolve(outside), "f"), PhysicalPath.Resolve(Path.Combine(root, "escape", "f")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(outside, recursive: true);
        }
    }
}
