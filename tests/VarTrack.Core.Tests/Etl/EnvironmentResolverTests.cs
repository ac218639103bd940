using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Text;

namespace VarTrack.Core.Tests.Etl;

public sealed class EnvironmentResolverTests
{
    private const string File = "configs/prod/app.yaml";

    private static (Glob, string) Map(string pattern, string environment) => (Glob.Parse(pattern), environment);

    private static readonly EnvironmentResolution Full = new()
    {
        BranchMap = [Map("main", "production"), Map("release/*", "staging"), Map("release/**", "never")],
        FilePathMap = [Map("configs/prod/**", "prod-by-path"), Map("configs/**", "any-path")],
        Default = "fallback",
    };

    private static string Resolve(EnvironmentResolution resolution, SourceRef source, string file = File) =>
        EnvironmentResolver.Resolve(resolution, source, file);

    [Fact]
    public void Branch_map_exact_name_wins_over_everything()
    {
        Assert.Equal("production", Resolve(Full, SourceRef.Branch("main")));
    }

    [Fact]
    public void Branch_map_globs_apply_in_the_order_written()
    {
        Assert.Equal("staging", Resolve(Full, SourceRef.Branch("release/1.2")));
        Assert.Equal("never", Resolve(Full, SourceRef.Branch("release/1/2")));
    }

    [Fact]
    public void Exact_branch_names_come_before_globs_when_loaded_from_config()
    {
        var config = VarTrackConfigLoader.Parse("""
            rules:
              - name: app
                environment:
                  branch_map:
                    "release/*": staging
                    release/special: production
            """, "vartrack.yaml", Path.GetTempPath());
        var resolution = Assert.Single(config.Rules).Environment;
        Assert.Equal("production", Resolve(resolution, SourceRef.Branch("release/special")));
        Assert.Equal("staging", Resolve(resolution, SourceRef.Branch("release/other")));
    }

    [Fact]
    public void Tag_gives_its_name()
    {
        Assert.Equal("v1.2.3", Resolve(Full, SourceRef.Parse("refs/tags/v1.2.3")));
    }

    [Fact]
    public void Branch_map_does_not_apply_to_tags()
    {
        var resolution = new EnvironmentResolution { BranchMap = [Map("v*", "production")] };
        Assert.Equal("v1.2.3", Resolve(resolution, SourceRef.Tag("v1.2.3")));
    }

    [Theory]
    [InlineData("refs/pull/42/merge", "pr-42")]
    [InlineData("refs/pull/42/head", "pr-42")]
    [InlineData("refs/merge-requests/7/head", "pr-7")]
    public void Pull_request_gives_pr_number(string reference, string expected)
    {
        Assert.Equal(expected, Resolve(Full, SourceRef.Parse(reference)));
        Assert.Equal(expected, Resolve(new EnvironmentResolution(), SourceRef.Parse(reference)));
    }

    [Fact]
    public void Branch_name_is_used_when_no_branch_map_entry_matches()
    {
        Assert.Equal("develop", Resolve(Full, SourceRef.Branch("develop")));
        Assert.Equal("develop", Resolve(Full, SourceRef.Parse("refs/heads/develop")));
    }

    [Fact]
    public void File_path_map_applies_when_no_ref_step_applies()
    {
        Assert.Equal("prod-by-path", Resolve(Full, SourceRef.None));
        Assert.Equal("any-path", Resolve(Full, SourceRef.None, "configs/dev/app.yaml"));
    }

    [Fact]
    public void Default_applies_last()
    {
        Assert.Equal("fallback", Resolve(Full, SourceRef.None, "other/app.yaml"));
        Assert.Equal("default", Resolve(new EnvironmentResolution(), SourceRef.None, "app.yaml"));
    }

    [Fact]
    public void Tags_false_skips_the_tag_step()
    {
        var resolution = Full with { Tags = false };
        Assert.Equal("prod-by-path", Resolve(resolution, SourceRef.Tag("v1.2.3")));
        Assert.Equal("fallback", Resolve(resolution, SourceRef.Tag("v1.2.3"), "x.yaml"));
    }

    [Fact]
    public void Pull_requests_false_skips_the_pull_request_step()
    {
        var resolution = Full with { PullRequests = false };
        Assert.Equal("prod-by-path", Resolve(resolution, SourceRef.PullRequest(42)));
    }

    [Fact]
    public void Branch_name_false_skips_the_branch_name_step_but_not_branch_map()
    {
        var resolution = Full with { BranchName = false };
        Assert.Equal("prod-by-path", Resolve(resolution, SourceRef.Branch("develop")));
        Assert.Equal("fallback", Resolve(resolution, SourceRef.Branch("develop"), "x.yaml"));
        Assert.Equal("production", Resolve(resolution, SourceRef.Branch("main")));
    }

    [Fact]
    public void An_invalid_branch_name_is_an_error_suggesting_branch_map()
    {
        var ex = Assert.Throws<VarTrackException>(() => Resolve(Full, SourceRef.Branch("feature/x")));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(File, problem.File);
        Assert.Contains("environment 'feature/x' (from branch 'feature/x') is not a valid environment name", problem.Message);
        Assert.Contains("branch_map", problem.Message);
    }

    [Fact]
    public void An_empty_result_is_an_error()
    {
        var ex = Assert.Throws<VarTrackException>(() => Resolve(new EnvironmentResolution { Default = "" }, SourceRef.None));
        Assert.Contains("environment '' (from the default)", Assert.Single(ex.Problems).Message);
    }

    [Theory]
    [InlineData("-dev")]
    [InlineData("dev env")]
    [InlineData("dév")]
    public void Invalid_names_from_any_step_are_errors(string name)
    {
        Assert.Throws<VarTrackException>(() => Resolve(new EnvironmentResolution(), SourceRef.Tag(name)));
        Assert.Throws<VarTrackException>(() => Resolve(new EnvironmentResolution { Default = name }, SourceRef.None));
    }

    [Fact]
    public void A_64_character_name_is_too_long()
    {
        Assert.Equal(new string('a', 63), Resolve(new EnvironmentResolution(), SourceRef.Branch(new string('a', 63))));
        Assert.Throws<VarTrackException>(() => Resolve(new EnvironmentResolution(), SourceRef.Branch(new string('a', 64))));
    }
}
