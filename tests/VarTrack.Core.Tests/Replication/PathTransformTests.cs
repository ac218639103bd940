using System.Text.RegularExpressions;
using VarTrack.Core.Replication;

namespace VarTrack.Core.Tests.Replication;

public sealed class PathTransformTests
{
    private static PathTransform Rule(string match, string to)
    {
        Assert.True(PathTransform.TryCreate(match, to, out var rule, out var error), error);
        return rule!;
    }

    [Fact]
    public void Named_and_numbered_groups_fill_the_destination_path_and_dollar_dollar_is_a_dollar()
    {
        Assert.Equal("secret/eu/app1/db", Rule("^secret/stage/(?<app>[^/]+)/(?<rest>.+)$", "secret/eu/${app}/${rest}").Apply("secret/stage/app1/db"));
        Assert.Equal("kv/x-$-y", Rule("^secret/(.+)/(.+)$", "kv/${1}-$$-${2}").Apply("secret/x/y"));
        Assert.Equal("kv/a$b", Rule("^secret/(?<n>.+)$", "kv/a$b").Apply("secret/z"));
        Assert.Null(Rule("^secret/stage/", "x").Apply("secret/prod/a"));
        // The rule gives the whole destination path for a whole origin path: an expression matching only a part of it does not match.
        Assert.Null(Rule("stage", "fixed/path").Apply("secret/stage/a"));
        Assert.Equal("fixed/path", Rule("secret/stage/.*", "fixed/path").Apply("secret/stage/a"));
    }

    [Fact]
    public void Every_rule_is_anchored_so_a_deeper_path_is_unmatched_instead_of_losing_its_rest()
    {
        var rule = Rule("secret/stage/(?<app>[^/]+)", "secret/eu/${app}");

        Assert.Equal("secret/eu/a", rule.Apply("secret/stage/a"));
        Assert.Null(rule.Apply("secret/stage/a/b"));
        Assert.Null(rule.Apply("x/secret/stage/a"));
        Assert.Null(new PathTransformRules([rule], UnmatchedPaths.Skip).Map("secret/stage/a/b"));
        Assert.Equal("secret/stage/a/b", new PathTransformRules([rule], UnmatchedPaths.Identity).Map("secret/stage/a/b"));
        // Alternatives stay whole under the anchor, and explicit ^...$ still work.
        Assert.Null(Rule("secret/a|secret/b", "x").Apply("secret/bc"));
        Assert.Equal("x", Rule("^secret/a$", "x").Apply("secret/a"));
    }

    [Fact]
    public void The_first_matching_rule_wins_and_unmatched_paths_follow_the_setting()
    {
        var rules = new[] { Rule("^secret/stage/(?<app>[^/]+)$", "secret/eu/${app}"), Rule("^secret/stage/(?<all>.+)$", "secret/eu-deep/${all}") };

        Assert.Equal("secret/eu/a", new PathTransformRules(rules, UnmatchedPaths.Skip).Map("secret/stage/a"));
        Assert.Equal("secret/eu-deep/a/b", new PathTransformRules(rules, UnmatchedPaths.Skip).Map("secret/stage/a/b"));
        Assert.Null(new PathTransformRules(rules, UnmatchedPaths.Skip).Map("secret/prod/a"));
        Assert.Equal("secret/prod/a", new PathTransformRules(rules, UnmatchedPaths.Identity).Map("secret/prod/a"));
        Assert.Equal("secret/prod/a", PathTransformRules.Identity.Map("secret/prod/a"));
    }

    [Fact]
    public void Invalid_rules_are_refused_with_a_reason()
    {
        Assert.False(PathTransform.TryCreate("^(unclosed", "x", out _, out var regex));
        Assert.StartsWith("'match' is not a valid regular expression: Invalid pattern '^(unclosed'", regex);
        Assert.False(PathTransform.TryCreate("^(?<a>x)$", "y/${b}", out _, out var group));
        Assert.Equal("'to' uses ${b}, but 'match' has no group named 'b' (its named groups: a)", group);
        Assert.False(PathTransform.TryCreate("^x$", "y/${1}", out _, out var numbered));
        Assert.Equal("'to' uses ${1}, but 'match' has no group named '1' (it has no named groups)", numbered);
    }

    [Fact]
    public void A_pathological_expression_times_out_instead_of_hanging()
    {
        var rule = Rule("^(a+)+$", "x");
        Assert.Throws<RegexMatchTimeoutException>(() => rule.Apply(new string('a', 40) + "!"));
    }
}
