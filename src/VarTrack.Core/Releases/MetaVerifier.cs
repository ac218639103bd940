using Org.BouncyCastle.Crypto.Parameters;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;

namespace VarTrack.Core.Releases;

/// <summary>
/// Checks the whole history of the meta branch: every commit reachable from the tip through any parent, parents before
/// children. A merge is compared with every parent: a record that differs from, or is missing against, any parent that
/// had it is a finding, so a fast-forward whose first parent is a rewritten history cannot pass its edits off as first
/// writes; a history with more than one root commit is reported too. No commit modifies or deletes a release, binary or event
/// record that an earlier commit wrote; every record added is canonical JSON and fits its schema and path; every
/// event names an existing release, sorts after the channel's previous event, carries the next sequence number, and
/// names as previous release the one that was current before it; every binary belongs to an existing release.
/// Flag sets and environment files may change; their paths are checked, and plaintext flag sets are checked like records.
/// </summary>
public static class MetaVerifier
{
    public const string Immutable = "immutable";
    public const string Canonical = "canonical";
    public const string Schema = "schema";
    public const string PathRule = "path";
    public const string EventChain = "event-chain";
    public const string EventOrder = "event-order";
    public const string UnknownRelease = "unknown-release";
    public const string HistoryRule = "history";
    public const string EventTime = "event-time";
    public const string SignatureRule = "signature";

    /// <summary>The path a finding about the history's shape (not one file) names.</summary>
    public const string WholeHistory = "(history)";

    /// <param name="signingKeys">
    /// With keys, every binary record's signature is checked too: it must be by one of these keys (its <c>key_id</c>)
    /// and verify over the record's own project, release, platform, digest and size.
    /// </param>
    public static IReadOnlyList<MetaFinding> Verify(IEnumerable<MetaHistoryStep> history, IReadOnlyList<Ed25519PublicKeyParameters>? signingKeys = null)
    {
        var state = new History { SigningKeys = signingKeys };
        var findings = new List<MetaFinding>();
        string? firstRoot = null;
        foreach (var step in history)
        {
            if (step.Parents.Count == 0)
            {
                if (firstRoot is null) firstRoot = step.Commit;
                else findings.Add(new MetaFinding(step.Commit, WholeHistory, HistoryRule,
                    $"a second root commit (the history already starts at {Short(firstRoot)}): a separate history was merged in; its records are not the ones written first"));
            }
            var merged = step.Parents.Count > 1 ? CheckMerge(step, findings) : null;
            var changes = step.Changes
                .Where(c => merged is null || !merged.Contains(c.Path))
                .Select(c => (Change: c, Path: MetaPaths.Parse(c.Path, out var problem), Problem: problem))
                .OrderBy(c => Order(c.Path?.Kind))
                .ThenBy(c => c.Change.Path, StringComparer.Ordinal)
                .ToList();
            foreach (var (change, path, problem) in changes)
            {
                void Find(string rule, string message) => findings.Add(new MetaFinding(step.Commit, change.Path, rule, message));
                if (path is null)
                {
                    if (change.Kind != GitChangeKind.Deleted) Find(PathRule, problem!);
                    continue;
                }
                if (path.IsImmutable) CheckRecord(step, change, path, state, Find);
                else if (path.Kind == MetaPathKind.Flags && change.Kind != GitChangeKind.Deleted && !MetaFileCodec.LooksEncrypted(change.Content))
                    CheckContent(change, path, Find);
            }
        }
        return findings;
    }

    /// <summary>
    /// Compares a merge with its later parents (its first parent is compared by the caller): a record that differs from
    /// a parent's, or that a parent has and the merge does not, is a finding. Returns the paths the caller must skip:
    /// those with a finding here, and records added against the first parent that a later parent brings unchanged
    /// (already checked where that parent's history wrote them).
    /// </summary>
    private static HashSet<string> CheckMerge(MetaHistoryStep step, List<MetaFinding> findings)
    {
        var skip = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < step.OtherParentChanges.Count; i++)
        {
            var parent = i + 1 < step.Parents.Count ? step.Parents[i + 1] : "?";
            var changed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var change in step.OtherParentChanges[i].OrderBy(c => c.Path, StringComparer.Ordinal))
            {
                changed.Add(change.Path);
                if (change.Kind == GitChangeKind.Added || MetaPaths.Parse(change.Path, out _) is not { IsImmutable: true } path || !skip.Add(change.Path)) continue;
                var verb = change.Kind == GitChangeKind.Deleted ? "missing in the merge" : "differs in the merge";
                findings.Add(new MetaFinding(step.Commit, change.Path, Immutable,
                    $"{path.Kind.RecordName()} record {verb} from parent {Short(parent)}, which has it; records are immutable"));
            }
            foreach (var change in step.Changes)
                if (change.Kind == GitChangeKind.Added && !changed.Contains(change.Path)) skip.Add(change.Path);
        }
        return skip;
    }

    private static string Short(string commit) => commit[..Math.Min(12, commit.Length)];

    private static void CheckRecord(MetaHistoryStep step, MetaFileChange change, MetaPath path, History state, Action<string, string> find)
    {
        var what = path.Kind.RecordName();
        if (state.WrittenIn.TryGetValue(change.Path, out var first))
        {
            var verb = change.Kind switch { GitChangeKind.Deleted => "deleted", GitChangeKind.Added => "written again", _ => "modified" };
            find(Immutable, $"{what} record {verb} after it was written in commit {Short(first)}; records are immutable");
            return;
        }
        if (change.Kind != GitChangeKind.Added)
        {
            // Only reachable when the history does not start at the root commit.
            find(Immutable, $"{what} record {(change.Kind == GitChangeKind.Deleted ? "deleted" : "modified")}; records are immutable");
            return;
        }
        state.WrittenIn[change.Path] = step.Commit;
        var record = CheckContent(change, path, find);
        switch (path.Kind)
        {
            case MetaPathKind.Release:
                state.Releases.Add((path.Project!, path.ReleaseId!));
                break;
            case MetaPathKind.Binary:
                if (!state.Releases.Contains((path.Project!, path.ReleaseId!)))
                    find(UnknownRelease, $"binary of release '{path.ReleaseId}', which project '{path.Project}' does not have");
                if (state.SigningKeys is { } keys && record is BinaryRecord binary) CheckSignature(path, binary, keys, find);
                break;
            case MetaPathKind.Event:
                CheckEvent(path, record as PromotionEvent, state, find);
                break;
        }
    }

    private static void CheckEvent(MetaPath path, PromotionEvent? record, History state, Action<string, string> find)
    {
        var key = (path.Project!, path.Channel!);
        state.Channels.TryGetValue(key, out var channel);
        var fileName = path.Event!.FileName;
        var inOrder = channel is null || string.CompareOrdinal(fileName, channel.LastFileName) > 0;
        if (!inOrder)
            find(EventOrder, $"the event sorts before the channel's last event {channel!.LastFileName}, so it does not change the current release; event names must sort after every earlier event");
        var expectedSequence = (channel?.Count ?? 0) + 1;
        if (path.Event.Sequence != expectedSequence)
            find(EventOrder, $"sequence {path.Event.Sequence:D6} in the file name, but this is event {expectedSequence} of the channel");
        if (record is not null)
        {
            // The name's timestamp orders events; it must be the event's own time, not one chosen to sort elsewhere.
            if (record.Created != path.Event.Timestamp)
                find(EventTime, $"created is {RecordFields.FormatTime(record.Created)} but the file name says {RecordFields.FormatTime(path.Event.Timestamp)}; an event's name carries its created time");
            if (!state.Releases.Contains((path.Project!, record.ReleaseId)))
                find(UnknownRelease, $"the event promotes release '{record.ReleaseId}', which project '{path.Project}' does not have");
            // After an unreadable event the channel's release is unknown: no chain finding that would only repeat it.
            if (inOrder && (channel?.Known ?? true) && record.PreviousReleaseId != channel?.ReleaseId)
                find(EventChain, $"previous_release_id is {Shown(record.PreviousReleaseId)} but the channel was at {Shown(channel?.ReleaseId)} before this event");
        }
        state.Channels[key] = inOrder
            ? new ChannelHead(fileName, record?.ReleaseId, record is not null, expectedSequence)
            : channel! with { Count = expectedSequence };
    }

    private static void CheckSignature(MetaPath path, BinaryRecord binary, IReadOnlyList<Ed25519PublicKeyParameters> keys, Action<string, string> find)
    {
        var key = keys.FirstOrDefault(k => BinarySignature.KeyIdOf(k) == binary.KeyId);
        if (key is null)
            find(SignatureRule, $"signed by key {binary.KeyId}, which is none of the given public keys ({string.Join(", ", keys.Select(BinarySignature.KeyIdOf))})");
        else if (!BinarySignature.Verify(BinarySignature.Statement(path.Project!, path.ReleaseId!, path.Os!, path.Arch!, binary.Digest, binary.Size), binary.Signature, key))
            find(SignatureRule, $"the signature does not verify with key {binary.KeyId} (the record was altered or signed for another release, platform or file)");
    }

    /// <summary>Canonical form and schema; returns the record when it parses.</summary>
    private static MetaRecord? CheckContent(MetaFileChange change, MetaPath path, Action<string, string> find)
    {
        var bytes = change.Content ?? [];
        try
        {
            var json = CanonicalJson.ParseObject(bytes, change.Path);
            MetaRecord record = path.Kind switch
            {
                MetaPathKind.Release => ReleaseRecord.Parse(json, path),
                MetaPathKind.Binary => BinaryRecord.Parse(json, path),
                MetaPathKind.Event => PromotionEvent.Parse(json, path),
                _ => FlagSet.Parse(json, path),
            };
            if (!CanonicalJson.IsCanonical(bytes))
                find(Canonical, "not canonical JSON (keys sorted, two-space indentation, LF, one trailing newline); rewrite it as vt meta writes records");
            return record;
        }
        catch (VarTrackException ex)
        {
            find(Schema, string.Join("; ", ex.Problems.Select(p => p.Message)));
            return null;
        }
    }

    private static int Order(MetaPathKind? kind) => kind switch
    {
        MetaPathKind.Release => 0,
        MetaPathKind.Binary => 1,
        MetaPathKind.Event => 2,
        _ => 3,
    };

    private static string Shown(string? releaseId) => releaseId is null ? "none" : $"'{releaseId}'";

    private sealed record ChannelHead(string LastFileName, string? ReleaseId, bool Known, int Count);

    private sealed class History
    {
        public IReadOnlyList<Ed25519PublicKeyParameters>? SigningKeys { get; init; }

        public Dictionary<string, string> WrittenIn { get; } = new(StringComparer.Ordinal);

        public HashSet<(string Project, string Release)> Releases { get; } = [];

        public Dictionary<(string Project, string Channel), ChannelHead> Channels { get; } = [];
    }
}
