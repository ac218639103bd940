using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Etl;

public sealed class RootKeySelectorTests
{
    private const string File = "config/app.yaml";

    private static ConfigNode Yaml(string text) => new YamlFormatParser().Parse(SourceText.FromString(File, text));

    private static Problem Fails(Action action) => Assert.Single(Assert.Throws<VarTrackException>(action).Problems);

    [Fact]
    public void Default_root_key_present_selects_only_that_subtree()
    {
        var selected = RootKeySelector.Select(Yaml("other: 1\nvartrack:\n  db: x\n  port: 1\n"), File, RuleDefinition.DefaultRootKey, required: false);
        Assert.Equal(["db", "port"], selected.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Default_root_key_missing_selects_the_whole_document()
    {
        var document = Yaml("db: x\nport: 1\n");
        var selected = RootKeySelector.Select(document, File, RuleDefinition.DefaultRootKey, required: false);
        Assert.Same(document, selected);
    }

    [Fact]
    public void No_root_key_selects_the_whole_document_even_if_it_has_vartrack()
    {
        var document = Yaml("vartrack:\n  a: 1\nb: 2\n");
        Assert.Same(document, RootKeySelector.Select(document, File, rootKey: null, required: false));
    }

    [Fact]
    public void A_custom_root_key_present_selects_its_subtree()
    {
        var selected = RootKeySelector.Select(Yaml("app:\n  a: 1\nb: 2\n"), File, "app", required: true);
        Assert.Equal(["a"], selected.Entries.Select(e => e.Key));
    }

    [Fact]
    public void A_required_custom_root_key_missing_is_a_clear_error_for_the_file()
    {
        var problem = Fails(() => RootKeySelector.Select(Yaml("other:\n  a: 1\n"), File, "app", required: true));
        Assert.Equal(File, problem.File);
        Assert.Equal("root key 'app' is not in the document (the rule sets root_key: app)", problem.Message);
        Assert.Equal(new SourcePosition(1, 1), problem.Position);
    }

    [Theory]
    [InlineData("vartrack: 5\n", "found the value '5'", 1, 11)]
    [InlineData("vartrack: [a, b]\n", "found a list", 1, 11)]
    [InlineData("vartrack:\n  - a\n", "found a list", 2, 3)]
    public void A_scalar_or_list_under_the_root_key_is_an_error(string yaml, string found, int line, int column)
    {
        var problem = Fails(() => RootKeySelector.Select(Yaml(yaml), File, "vartrack", required: false));
        Assert.Equal($"root key 'vartrack' must hold a mapping of keys, {found}", problem.Message);
        Assert.Equal(File, problem.File);
        Assert.Equal(new SourcePosition(line, column), problem.Position);
    }

    [Theory]
    [InlineData("vartrack:\nother: 1\n")]
    [InlineData("vartrack: ~\n")]
    [InlineData("vartrack: null\n")]
    public void Null_under_the_root_key_is_an_empty_map(string yaml)
    {
        var selected = RootKeySelector.Select(Yaml(yaml), File, "vartrack", required: false);
        Assert.Equal(0, selected.Count);
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_an_error()
    {
        var problem = Fails(() => RootKeySelector.Select(Yaml("- a\n- b\n"), File, "vartrack", required: false));
        Assert.Equal("the document must be a mapping of keys, found a list", problem.Message);
        Assert.Equal(File, problem.File);
    }
}
