using VarTrack.Core.Etl;

namespace VarTrack.Core.Tests.Etl;

public sealed class SourceRefTests
{
    [Theory]
    [InlineData("refs/heads/main", SourceRefKind.Branch, "main")]
    [InlineData("refs/heads/feature/x", SourceRefKind.Branch, "feature/x")]
    [InlineData("main", SourceRefKind.Branch, "main")]
    [InlineData("refs/tags/v1.2.3", SourceRefKind.Tag, "v1.2.3")]
    [InlineData("refs/pull/42/merge", SourceRefKind.PullRequest, "42")]
    [InlineData("refs/pull/42/head", SourceRefKind.PullRequest, "42")]
    [InlineData("refs/pull/42", SourceRefKind.PullRequest, "42")]
    [InlineData("refs/merge-requests/7/head", SourceRefKind.PullRequest, "7")]
    [InlineData("refs/pull/abc/head", SourceRefKind.Branch, "refs/pull/abc/head")]
    [InlineData("refs/pull/-1/head", SourceRefKind.Branch, "refs/pull/-1/head")]
    public void Parse_recognises_the_ref_kinds(string reference, SourceRefKind kind, string name)
    {
        var parsed = SourceRef.Parse(reference);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(name, parsed.Name);
    }

    [Fact]
    public void BranchName_is_set_only_for_branches()
    {
        Assert.Equal("main", SourceRef.Branch("main").BranchName);
        Assert.Null(SourceRef.Tag("v1").BranchName);
        Assert.Null(SourceRef.PullRequest(3).BranchName);
        Assert.Null(SourceRef.None.BranchName);
        Assert.Equal(SourceRefKind.None, SourceRef.None.Kind);
    }

    [Fact]
    public void Factories_build_the_expected_refs()
    {
        Assert.Equal(new SourceRef(SourceRefKind.PullRequest, "42"), SourceRef.PullRequest(42));
        Assert.Equal(new SourceRef(SourceRefKind.Tag, "v1"), SourceRef.Tag("v1"));
    }
}
