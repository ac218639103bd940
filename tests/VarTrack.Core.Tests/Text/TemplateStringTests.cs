using VarTrack.Core.Text;

namespace VarTrack.Core.Tests.Text;

public sealed class TemplateStringTests
{
    private static readonly Dictionary<string, string?> Values = new()
    {
        ["env"] = "production",
        ["tenant"] = "acme",
        ["rule"] = "app",
        ["file"] = "config/app.yaml",
        ["branch"] = "main",
        ["repository"] = "org/repo",
    };

    [Fact]
    public void Every_known_placeholder_is_filled()
    {
        var template = TemplateString.Parse("{tenant}:{env}:{rule}:{file}:{branch}:{repository}");
        Assert.Equal("acme:production:app:config/app.yaml:main:org/repo", template.Render(Values));
        Assert.True(template.HasPlaceholders);
        Assert.Equal(["tenant", "env", "rule", "file", "branch", "repository"], template.Placeholders);
    }

    [Fact]
    public void Literal_text_around_placeholders_is_kept()
    {
        var template = TemplateString.Parse("config:{tenant}:{env}/x");
        Assert.Equal("config:acme:production/x", template.Render(Values));
        Assert.Equal("config:{tenant}:{env}/x", template.Template);
        Assert.Equal("config:{tenant}:{env}/x", template.ToString());
    }

    [Fact]
    public void Text_without_placeholders_renders_as_itself()
    {
        var template = TemplateString.Parse("plain value");
        Assert.False(template.HasPlaceholders);
        Assert.Empty(template.Placeholders);
        Assert.Equal("plain value", template.Render(Values));
        Assert.Equal("", TemplateString.Parse("").Render(Values));
    }

    [Fact]
    public void Doubled_braces_are_literal_braces()
    {
        Assert.Equal("{env}", TemplateString.Parse("{{env}}").Render(Values));
        Assert.Equal("{production}", TemplateString.Parse("{{{env}}}").Render(Values));
        Assert.Equal("a{b}c", TemplateString.Parse("a{{b}}c").Render(Values));
        Assert.False(TemplateString.Parse("{{env}}").HasPlaceholders);
    }

    [Fact]
    public void A_placeholder_without_a_value_renders_empty()
    {
        var values = new Dictionary<string, string?> { ["env"] = "dev", ["branch"] = null };
        Assert.Equal("dev--", TemplateString.Parse("{env}-{branch}-{tenant}").Render(values));
    }

    [Theory]
    [InlineData("{envv}", "envv")]
    [InlineData("x-{ENV}", "ENV")]
    [InlineData("{ env }", " env ")]
    [InlineData("{}", "")]
    public void Unknown_placeholders_are_refused_listing_the_known_ones(string template, string name)
    {
        var ex = Assert.Throws<FormatException>(() => TemplateString.Parse(template));
        Assert.StartsWith($"unknown placeholder '{{{name}}}'; known: ", ex.Message);
        foreach (var known in TemplateString.KnownPlaceholders)
            Assert.Contains("{" + known + "}", ex.Message);
    }

    [Theory]
    [InlineData("config:{env", "unclosed '{' at character 8")]
    [InlineData("{", "unclosed '{' at character 1")]
    [InlineData("a}b", "unmatched '}' at character 2")]
    [InlineData("{env}}", "unmatched '}' at character 6")]
    public void Unbalanced_braces_are_refused_with_their_position(string template, string start)
    {
        var ex = Assert.Throws<FormatException>(() => TemplateString.Parse(template));
        Assert.StartsWith(start, ex.Message);
    }
}
