using System.Text.Json.Nodes;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// What a server asks to learn what to run: <c>{project, channel, release, binaries: {"linux-amd64": ...}, event, commit}</c>
/// for the channel's current release at one commit of the meta repository.
/// </summary>
public static class MetaChannelView
{
    public static MetaApiAnswer Build(MetaTree tree, string project, string channel)
    {
        var bad = MetaNames.ProblemOf("project", project, MetaNames.Project) ?? MetaNames.ProblemOf("channel", channel, MetaNames.Channel);
        if (bad is not null) return MetaApiAnswer.Error(400, "bad_name", bad);
        try
        {
            if (!MetaRecords.Projects(tree).Contains(project))
                return MetaApiAnswer.Error(404, "unknown_project", $"the meta repository has no project '{project}'");
            if (ChannelResolver.Resolve(tree, project, channel) is not { } state)
                return MetaApiAnswer.Error(404, "unknown_channel", $"project '{project}' has no channel '{channel}' (no promotion event yet)");
            var release = MetaRecords.Release(tree, project, state.CurrentReleaseId)
                ?? throw new VarTrackException(new Problem($"the channel's last event names release '{state.CurrentReleaseId}', which does not exist") { File = state.LastEventPath.Path });
            var binaries = new JsonObject();
            foreach (var (path, binary) in MetaRecords.Binaries(tree, project, release.Id)) binaries[path.Platform!] = binary.ToSortedJson();
            var @event = state.LastEvent.ToSortedJson();
            @event["path"] = state.LastEventPath.Path;
            return new MetaApiAnswer(200, new JsonObject
            {
                ["project"] = project,
                ["channel"] = channel,
                ["release"] = release.ToSortedJson(),
                ["binaries"] = binaries,
                ["event"] = @event,
                ["commit"] = tree.Commit,
            });
        }
        catch (VarTrackException ex)
        {
            return MetaApiAnswer.Error(500, "meta_inconsistent", $"the meta repository is inconsistent: {ex.Problems[0]} (run vt meta verify)");
        }
    }
}
