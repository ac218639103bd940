using System.Text.Json;
using VarTrack.Core.Webhooks;
using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

public sealed class PushedFilesTests
{
    private static IReadOnlyList<Git.GitFileChange>? Of(string commitsJson, long? total = null, int? limit = null) =>
        PushedFiles.FromCommits(new PayloadNode(JsonDocument.Parse(commitsJson).RootElement.Clone(), "commits"), total, limit);

    private static string Commit(string added = "", string modified = "", string removed = "") =>
        $$"""{"added":[{{List(added)}}],"modified":[{{List(modified)}}],"removed":[{{List(removed)}}]}""";

    private static string List(string paths) => string.Join(",", paths.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => $"\"{p}\""));

    [Fact]
    public void Each_path_keeps_one_net_change_in_first_seen_order()
    {
        var files = Of($"[{Commit(added: "a b c", modified: "m")},{Commit(modified: "a m", removed: "b")},{Commit(removed: "m c", added: "n")}]");

        Assert.Equal([Added("a"), Deleted("b"), Deleted("c"), Deleted("m"), Added("n")], files);
    }

    [Fact]
    public void A_path_removed_then_added_again_is_modified()
    {
        Assert.Equal([Modified("x")], Of($"[{Commit(removed: "x")},{Commit(added: "x")}]"));
    }

    [Fact]
    public void A_path_modified_then_removed_is_deleted()
    {
        Assert.Equal([Deleted("x")], Of($"[{Commit(modified: "x")},{Commit(removed: "x")}]"));
    }

    [Fact]
    public void No_commits_means_unknown_not_nothing_changed()
    {
        Assert.Null(Of("[]"));
    }

    [Fact]
    public void A_commit_without_its_file_lists_makes_the_whole_list_unknown()
    {
        Assert.Null(Of($$"""[{{Commit(added: "a")}},{"id":"abc","added":["b"]}]"""));
    }

    [Fact]
    public void A_truncated_list_is_unknown()
    {
        Assert.Null(Of($"[{Commit(added: "a")}]", total: 2));
        Assert.Null(Of($"[{Commit(added: "a")},{Commit(added: "b")}]", limit: 2));
        Assert.Equal([Added("a")], Of($"[{Commit(added: "a")}]", total: 1, limit: 2));
    }
}
