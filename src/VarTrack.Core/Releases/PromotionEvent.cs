using System.Text.Json.Nodes;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>projects/&lt;project&gt;/channels/&lt;channel&gt;/events/&lt;timestamp&gt;-&lt;writer&gt;-&lt;seq&gt;.json</c>, append-only:
/// the channel now runs <see cref="ReleaseId"/>, replacing <see cref="PreviousReleaseId"/> (null for a channel's first
/// event). A rollback is such an event too. The channel's current release is the release of its last event.
/// </summary>
public sealed record PromotionEvent(string ReleaseId, string? PreviousReleaseId, string Actor, string? Reason, DateTimeOffset Created) : MetaRecord
{
    public const int SchemaVersion = 1;
    private const string Kind = "promotion event";

    public override JsonObject ToJson() => new()
    {
        ["schema_version"] = SchemaVersion,
        ["release_id"] = ReleaseId,
        ["previous_release_id"] = PreviousReleaseId,
        ["actor"] = Actor,
        ["reason"] = Reason,
        ["created"] = RecordFields.FormatTime(Created),
    };

    public static PromotionEvent Parse(JsonObject json, MetaPath path)
    {
        var fields = new RecordFields(json, path.Path, Kind, SchemaVersion, "release_id", "previous_release_id", "actor", "reason", "created");
        var release = fields.Text("release_id", maxLength: 128);
        var previous = fields.Text("previous_release_id", nullable: true, maxLength: 128);
        if (release is not null && MetaNames.ProblemOf("'release_id'", release, v => MetaNames.Release(v, "'release_id'")) is { } bad) fields.Add(bad);
        if (previous is not null && MetaNames.ProblemOf("'previous_release_id'", previous, v => MetaNames.Release(v, "'previous_release_id'")) is { } badPrevious) fields.Add(badPrevious);
        var actor = fields.Text("actor", maxLength: 256);
        var reason = fields.Text("reason", nullable: true, maxLength: 4096);
        var created = fields.Time("created");
        fields.ThrowIfAny();
        return new PromotionEvent(release!, previous, actor!, reason, created!.Value);
    }
}
