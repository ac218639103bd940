using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

public sealed class MetaPathsTests
{
    private static readonly MetaEventName Event = new(new DateTimeOffset(2026, 11, 24, 10, 15, 0, 123, TimeSpan.Zero), "ci-7", 4);

    [Fact]
    public void Builders_give_the_documented_paths()
    {
        Assert.Equal("projects/shop/releases/1.4.0.json", MetaPaths.Release("shop", "1.4.0"));
        Assert.Equal("projects/shop/binaries/1.4.0/linux-amd64.json", MetaPaths.Binary("shop", "1.4.0", "linux", "amd64"));
        Assert.Equal("projects/shop/channels/prod/events/20261124T101500123Z-ci-7-000004.json", MetaPaths.Event("shop", "prod", Event));
        Assert.Equal("projects/shop/flags/prod/flags.json", MetaPaths.Flags("shop", "prod"));
        Assert.Equal("envs/Prod/app.yaml", MetaPaths.EnvironmentFile("Prod", null, "app.yaml"));
        Assert.Equal("envs/Dev/alice/db/app.yaml", MetaPaths.EnvironmentFile("Dev", "alice", "db/app.yaml"));
    }

    [Fact]
    public void Builders_refuse_bad_names_naming_the_field()
    {
        Assert.Equal("channel 'Prod' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            Assert.Throws<VarTrackException>(() => MetaPaths.Flags("shop", "Prod")).Problems[0].Message);
        Assert.Equal("developer folders exist under envs/Dev only, not envs/Prod",
            Assert.Throws<VarTrackException>(() => MetaPaths.EnvironmentFile("Prod", "alice", "a.yaml")).Problems[0].Message);
        Assert.Equal("environment file name '../x' is invalid: use a relative path without '.', '..' or empty segments",
            Assert.Throws<VarTrackException>(() => MetaPaths.EnvironmentFile("Dev", null, "../x")).Problems[0].Message);
    }

    [Fact]
    public void Parse_takes_every_kind_apart()
    {
        var release = MetaPaths.Parse("projects/shop/releases/1.4.0.json", out _)!;
        Assert.Equal((MetaPathKind.Release, "shop", "1.4.0"), (release.Kind, release.Project, release.ReleaseId));
        Assert.True(release.IsImmutable);

        var binary = MetaPaths.Parse("projects/shop/binaries/1.4.0/linux-amd64.json", out _)!;
        Assert.Equal((MetaPathKind.Binary, "1.4.0", "linux", "amd64", "linux-amd64"), (binary.Kind, binary.ReleaseId, binary.Os, binary.Arch, binary.Platform));

        var @event = MetaPaths.Parse("projects/shop/channels/prod/events/20261124T101500123Z-ci-7-000004.json", out _)!;
        Assert.Equal((MetaPathKind.Event, "prod", Event), (@event.Kind, @event.Channel, @event.Event));

        var flags = MetaPaths.Parse("projects/shop/flags/prod/flags.json", out _)!;
        Assert.Equal((MetaPathKind.Flags, "prod", false), (flags.Kind, flags.Channel, flags.IsImmutable));

        var developer = MetaPaths.Parse("envs/Dev/alice/app.yaml", out _)!;
        Assert.Equal((MetaPathKind.Environment, "Dev", "alice"), (developer.Kind, developer.Environment, developer.Developer));
        Assert.Null(MetaPaths.Parse("envs/Prod/app.yaml", out _)!.Developer);

        Assert.Equal(MetaPathKind.Other, MetaPaths.Parse("README.md", out _)!.Kind);
        Assert.Equal(MetaPathKind.Other, MetaPaths.Parse(".gitattributes", out _)!.Kind);
    }

    [Theory]
    [InlineData("projects/shop/releases/1.4.0.yaml", "not a place for a file in the model")]
    [InlineData("projects/Shop/releases/1.json", "project 'Shop' is invalid")]
    [InlineData("projects/shop/binaries/1.0/linux.json", "binary file name 'linux.json' is not <os>-<arch>.json")]
    [InlineData("projects/shop/binaries/1.0/linux-AMD64.json", "arch 'AMD64' is invalid")]
    [InlineData("projects/shop/channels/prod/events/latest.json", "event file name 'latest.json' is not <yyyyMMddTHHmmssfffZ>-<writer>-<six-digit sequence>.json")]
    [InlineData("projects/shop/channels/prod/events/20261399T101500123Z-ci-000001.json", "event file name")]
    [InlineData("projects/shop/channels/prod/events/20261124T101500123Z-ci-000000.json", "event file name")]
    [InlineData("projects/shop/README.md", "not a place for a file in the model")]
    [InlineData("envs/Test/app.yaml", "environment files live under envs/Dev|Stage|Prod/")]
    [InlineData("envs/Dev/Alice/app.yaml", "developer 'Alice' is invalid")]
    public void A_path_inside_the_model_that_fits_no_layout_says_why(string path, string problem)
    {
        Assert.Null(MetaPaths.Parse(path, out var why));
        Assert.StartsWith(problem, why);
    }

    [Fact]
    public void Event_names_round_trip_and_sort_by_time_first()
    {
        Assert.Equal(Event, MetaEventName.TryParse(Event.FileName));
        var earlier = new MetaEventName(Event.Timestamp.AddMilliseconds(-1), "zz-writer", 9);
        Assert.True(string.CompareOrdinal(earlier.FileName, Event.FileName) < 0);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 6, TimeSpan.Zero), MetaEventName.Truncate(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(9999)));
    }
}
