using VarTrack.Core.Text;

namespace VarTrack.Core.Tests.Text;

public sealed class GlobTests
{
    private static bool Matches(string pattern, string value, char separator = '/') => Glob.Parse(pattern, separator).IsMatch(value);

    [Theory]
    [InlineData("*.yaml", "app.yaml", true)]
    [InlineData("*.yaml", "config/app.yaml", false)]
    [InlineData("*.yaml", ".yaml", true)]
    [InlineData("config/*", "config/app.yaml", true)]
    [InlineData("config/*", "config/prod/app.yaml", false)]
    [InlineData("config/*", "config", false)]
    [InlineData("config/*.yaml", "config/app.yml", false)]
    public void Star_matches_within_one_segment(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Theory]
    [InlineData("**", "a", true)]
    [InlineData("**", "a/b/c.yaml", true)]
    [InlineData("**/*.yaml", "app.yaml", true)]
    [InlineData("**/*.yaml", "a/b/app.yaml", true)]
    [InlineData("**/*.yaml", "a/b/app.json", false)]
    [InlineData("configs/prod/**", "configs/prod/app.yaml", true)]
    [InlineData("configs/prod/**", "configs/prod/eu/app.yaml", true)]
    [InlineData("configs/prod/**", "configs/prod", true)]
    [InlineData("configs/prod/**", "configs/production/app.yaml", false)]
    [InlineData("configs/prod/**", "configs/staging/app.yaml", false)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/b", true)]
    [InlineData("a/**/b", "a/x/y/z/b", true)]
    [InlineData("a/**/b", "a/xb", false)]
    [InlineData("a/**/b", "ab", false)]
    [InlineData("a/**/b", "a/b/c", false)]
    public void Double_star_spans_segments(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Theory]
    [InlineData("v?", "v1", true)]
    [InlineData("v?", "v12", false)]
    [InlineData("v?", "v", false)]
    [InlineData("a?b", "a/b", false)]
    public void Question_mark_matches_one_character_of_a_segment(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Theory]
    [InlineData("file[123].yaml", "file2.yaml", true)]
    [InlineData("file[123].yaml", "file4.yaml", false)]
    [InlineData("file[a-c].yaml", "fileb.yaml", true)]
    [InlineData("file[a-c].yaml", "filed.yaml", false)]
    [InlineData("file[!a-c].yaml", "filed.yaml", true)]
    [InlineData("file[!a-c].yaml", "fileb.yaml", false)]
    [InlineData("file[^a-c].yaml", "fileb.yaml", false)]
    [InlineData("file[]x].yaml", "file].yaml", true)]
    [InlineData("file[\\]].yaml", "file].yaml", true)]
    [InlineData("file[.].yaml", "filex.yaml", false)]
    [InlineData("file[a^].yaml", "file^.yaml", true)]
    public void Character_classes_work_as_in_shells(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Fact]
    public void A_negated_class_does_not_match_the_separator_as_in_shells() =>
        // In shell path globbing a bracket expression never matches '/', like '*' and '?'.
        Assert.False(Matches("src[!x]main", "src/main"));

    [Theory]
    [InlineData("*.{yaml,yml}", "app.yaml", true)]
    [InlineData("*.{yaml,yml}", "app.yml", true)]
    [InlineData("*.{yaml,yml}", "app.json", false)]
    [InlineData("{dev,prod}/**", "prod/a/b.yaml", true)]
    [InlineData("{dev,prod}/**", "staging/a.yaml", false)]
    [InlineData("a{b,{c,d}}e", "ade", true)]
    [InlineData("a{b,{c,d}}e", "abe", true)]
    [InlineData("a{b,{c,d}}e", "axe", false)]
    [InlineData("a,b", "a,b", true)]
    [InlineData("{a,}x", "x", true)]
    public void Braces_give_alternatives(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Theory]
    [InlineData("\\*.yaml", "*.yaml", true)]
    [InlineData("\\*.yaml", "app.yaml", false)]
    [InlineData("a\\?", "a?", true)]
    [InlineData("a\\?", "ab", false)]
    [InlineData("\\{a,b\\}", "{a,b}", true)]
    [InlineData("\\[x]", "[x]", true)]
    public void Backslash_escapes_the_next_character(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Theory]
    [InlineData("a.b", "axb", false)]
    [InlineData("a+b", "a+b", true)]
    [InlineData("(x)|y", "(x)|y", true)]
    [InlineData("$x^", "$x^", true)]
    public void Regex_metacharacters_are_literal(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value));

    [Theory]
    [InlineData("SYSTEM_*", "SYSTEM_X", true)]
    [InlineData("SYSTEM_*", "SYSTEM.X.y", false)]
    [InlineData("SYSTEM_*", "SYSTEM_X.y", false)]
    [InlineData("SYSTEM.**", "SYSTEM.X.y", true)]
    [InlineData("SYSTEM.**", "SYSTEM.X", true)]
    [InlineData("SYSTEM.**", "SYSTEMX", false)]
    [InlineData("SYSTEM.**", "SYSTEM_X", false)]
    [InlineData("*.password", "db.password", true)]
    [InlineData("*.password", "a.db.password", false)]
    [InlineData("**.password", "a.db.password", true)]
    [InlineData("db.?ort", "db.port", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/*", "a/b/c", true)]
    public void Dot_separator_makes_globs_segment_aware_over_flat_keys(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches(pattern, value, '.'));

    [Fact]
    public void Matching_time_does_not_explode_with_many_stars()
    {
        // Protect globs run against every key of a destination. With a backtracking regex this pattern takes about
        // a second on 60 characters and grows as n^6 (years for 2000 characters); a linear matcher takes well under a
        // millisecond. A long key and a generous bound: a short key under a tight bound fails on a loaded machine
        // (a GC pause or a descheduled thread), while this bound still cannot be met by a backtracking matcher.
        var glob = Glob.Parse("*a*a*a*a*a*b", '.');
        Assert.False(glob.IsMatch("aaa")); // warm-up
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(glob.IsMatch(new string('a', 2000)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Matching_is_whole_string_and_case_sensitive()
    {
        Assert.False(Matches("app.yaml", "config/app.yaml"));
        Assert.False(Matches("app", "app.yaml"));
        Assert.False(Matches("App.yaml", "app.yaml"));
        Assert.True(Matches("app.yaml", "app.yaml"));
    }

    [Fact]
    public void Pattern_and_separator_are_kept_and_printed()
    {
        var glob = Glob.Parse("SYSTEM.**", '.');
        Assert.Equal("SYSTEM.**", glob.Pattern);
        Assert.Equal('.', glob.Separator);
        Assert.Equal("SYSTEM.**", glob.ToString());
        Assert.Equal('/', Glob.Parse("a").Separator);
    }

    [Theory]
    [InlineData("file[abc", "unclosed '[' at character 5")]
    [InlineData("[", "unclosed '[' at character 1")]
    [InlineData("{a,b", "unclosed '{' at character 1")]
    [InlineData("x/{a,{b}", "unclosed '{' at character 3")]
    [InlineData("a}", "unmatched '}' at character 2")]
    [InlineData("abc\\", "trailing '\\' at character 4 escapes nothing")]
    [InlineData("", "a glob cannot be empty")]
    public void Malformed_globs_throw_FormatException_saying_what_and_where(string pattern, string message)
    {
        var ex = Assert.Throws<FormatException>(() => Glob.Parse(pattern));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void TryParse_reports_the_error_instead_of_throwing()
    {
        Assert.False(Glob.TryParse("a[", '/', out var bad, out var error));
        Assert.Null(bad);
        Assert.Equal("unclosed '[' at character 2", error);

        Assert.True(Glob.TryParse("a/*", '/', out var good, out error));
        Assert.Null(error);
        Assert.True(good!.IsMatch("a/b"));
    }
}
