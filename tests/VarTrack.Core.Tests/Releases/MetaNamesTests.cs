using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

public sealed class MetaNamesTests
{
    [Theory]
    [InlineData("shop")]
    [InlineData("shop-eu.2")]
    [InlineData("a_b")]
    [InlineData("0")]
    public void Valid_project_and_channel_names_pass(string name)
    {
        Assert.Equal(name, MetaNames.Project(name));
        Assert.Equal(name, MetaNames.Channel(name));
    }

    [Theory]
    [InlineData("Shop", "project 'Shop' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")]
    [InlineData("-shop", "project '-shop' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")]
    [InlineData("..", "project '..' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")]
    [InlineData("a/b", "project 'a/b' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")]
    [InlineData("shop\n", "project 'shop\\u000a' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")]
    [InlineData("", "project is missing (use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit)")]
    public void A_bad_project_names_the_field_and_the_value(string name, string message)
    {
        var error = Assert.Throws<VarTrackException>(() => MetaNames.Project(name));

        Assert.Equal(message, error.Problems[0].Message);
    }

    [Fact]
    public void A_name_longer_than_64_is_refused()
    {
        Assert.Equal(new string('a', 64), MetaNames.Channel(new string('a', 64)));
        Assert.Throws<VarTrackException>(() => MetaNames.Channel(new string('a', 65)));
    }

    [Theory]
    [InlineData("1.4.0")]
    [InlineData("2026.11.24-rc.1")]
    public void Release_ids_allow_dots_and_dashes(string id) => Assert.Equal(id, MetaNames.Release(id));

    [Fact]
    public void None_is_reserved_because_it_means_no_release()
    {
        var error = Assert.Throws<VarTrackException>(() => MetaNames.Release("none"));

        Assert.Equal("release id 'none' is invalid: 'none' is reserved (it means no release, as in --expect none)", error.Problems[0].Message);
    }

    [Theory]
    [InlineData("linux-gnu", "os 'linux-gnu' is invalid: use 1-32 lowercase letters, digits or '_' (no '-': the file is named <os>-<arch>.json)")]
    [InlineData("Linux", "os 'Linux' is invalid: use 1-32 lowercase letters, digits or '_' (no '-': the file is named <os>-<arch>.json)")]
    public void Os_and_arch_may_not_contain_a_dash(string os, string message)
    {
        Assert.Equal(message, Assert.Throws<VarTrackException>(() => MetaNames.Os(os)).Problems[0].Message);
        Assert.Equal("x86_64", MetaNames.Arch("x86_64"));
    }

    [Theory]
    [InlineData("Dev")]
    [InlineData("Stage")]
    [InlineData("Prod")]
    public void Environments_are_exactly_Dev_Stage_Prod(string environment) => Assert.Equal(environment, MetaNames.Environment(environment));

    [Fact]
    public void Another_environment_lists_the_allowed_ones()
    {
        var error = Assert.Throws<VarTrackException>(() => MetaNames.Environment("prod"));

        Assert.Equal("environment 'prod' is invalid: use one of Dev, Stage, Prod", error.Problems[0].Message);
    }

    [Fact]
    public void Flag_names_may_use_upper_case_because_they_are_keys_not_paths()
    {
        Assert.Equal("NewCheckout", MetaNames.Flag("NewCheckout"));
        Assert.Equal("flag name 'a b' is invalid: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit",
            Assert.Throws<VarTrackException>(() => MetaNames.Flag("a b")).Problems[0].Message);
    }
}
