namespace VarTrack.Core.Releases;

/// <summary>The current release of a channel: the release of its last event in sort order (file names sort by time).</summary>
public static class ChannelResolver
{
    /// <summary>Null when the channel has no event (a new channel).</summary>
    public static ChannelState? Resolve(MetaTree tree, string project, string channel)
    {
        MetaPath? last = null;
        var count = 0;
        foreach (var file in tree.Under(MetaPaths.EventsFolder(project, channel)))
        {
            // Files that are not events (a stray README) do not count; verify reports them.
            if (MetaPaths.Parse(file, out _) is not { Kind: MetaPathKind.Event } path) continue;
            count++;
            last = path;
        }
        return last is null ? null : new ChannelState(project, channel, last, MetaRecords.Event(tree, last), count);
    }

    /// <summary>Every channel of every project with at least one event, keyed <c>project/channel</c>.</summary>
    public static IReadOnlyDictionary<string, ChannelState> All(MetaTree tree)
    {
        var heads = new SortedDictionary<string, ChannelState>(StringComparer.Ordinal);
        foreach (var project in MetaRecords.Projects(tree))
        {
            if (MetaNames.ProblemOf("project", project, MetaNames.Project) is not null) continue;
            foreach (var channel in MetaRecords.Channels(tree, project))
            {
                if (MetaNames.ProblemOf("channel", channel, MetaNames.Channel) is not null) continue;
                if (Resolve(tree, project, channel) is { } state) heads[$"{project}/{channel}"] = state;
            }
        }
        return heads;
    }
}
