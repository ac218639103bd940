using System.Text.Json.Nodes;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// The write operations on release metadata, each one commit: create a release, add a binary, promote, roll back,
/// set flags, put an environment file. Each plans its change against the tip it is given and re-plans against the
/// new tip when the push is retried, so the checks (the release exists, the channel is where the promotion expects)
/// always hold for the commit that lands. Nothing is written when a check fails.
/// </summary>
public sealed class MetaWriter
{
    private readonly IMetaRepository _repository;
    private readonly MetaFileCodec _codec;
    private readonly string _writer;
    private readonly TimeProvider _time;

    public MetaWriter(IMetaRepository repository, MetaFileCodec codec, string writer, TimeProvider? time = null)
    {
        _repository = repository;
        _codec = codec;
        _writer = MetaNames.Writer(writer);
        _time = time ?? TimeProvider.System;
    }

    public TimeProvider Time => _time;

    public Task<MetaCommitResult> CreateReleaseAsync(string project, ReleaseRecord release, CancellationToken cancellationToken = default)
    {
        MetaNames.Project(project);
        release.Validated();
        var path = MetaPaths.Release(project, release.Id);
        return CommitAsync((tip, _) =>
        {
            if (MetaRecords.Release(tip, project, release.Id) is { } existing)
                throw Refused($"release '{release.Id}' of project '{project}' already exists (created {RecordFields.FormatTime(existing.Created)}); releases are immutable, create a new release id", path);
            return Task.FromResult(new MetaChange($"release {project} {release.Id}", [new MetaFileWrite(path, release.ToCanonical())]));
        }, cancellationToken);
    }

    public Task<MetaCommitResult> AddBinaryAsync(string project, string releaseId, string os, string arch, BinaryRecord binary, CancellationToken cancellationToken = default)
    {
        var path = MetaPaths.Binary(project, releaseId, os, arch);
        binary.Validated();
        return CommitAsync((tip, _) =>
        {
            RequireRelease(tip, project, releaseId);
            if (tip.Exists(path))
                throw Refused($"release '{releaseId}' of project '{project}' already has a {os}-{arch} binary; binary records are immutable, build a new release", path);
            return Task.FromResult(new MetaChange($"binary {project} {releaseId} {os}-{arch}", [new MetaFileWrite(path, binary.ToCanonical())]));
        }, cancellationToken);
    }

    /// <summary>
    /// Compare-and-swap: the channel must be at <paramref name="expectedReleaseId"/> (null: a new channel with no
    /// release), else <see cref="PromotionConflictException"/>.
    /// </summary>
    public Task<MetaCommitResult> PromoteAsync(string project, string channel, string releaseId, string? expectedReleaseId, string actor, string? reason,
        CancellationToken cancellationToken = default)
    {
        MetaNames.Project(project);
        MetaNames.Channel(channel);
        MetaNames.Release(releaseId);
        if (expectedReleaseId is not null) MetaNames.Release(expectedReleaseId, "expected release id");
        CheckActor(actor);
        return CommitAsync((tip, _) =>
        {
            RequireRelease(tip, project, releaseId);
            var current = ChannelResolver.Resolve(tip, project, channel);
            if (current?.CurrentReleaseId != expectedReleaseId) throw new PromotionConflictException(project, channel, expectedReleaseId, current);
            if (current?.CurrentReleaseId == releaseId)
                throw new VarTrackException(new Problem($"channel '{channel}' of project '{project}' is already at release '{releaseId}'; nothing to promote"));
            return Task.FromResult(EventChange(project, channel, current, releaseId, actor, reason, "promote"));
        }, cancellationToken);
    }

    /// <summary>
    /// Appends an event pointing the channel back to <paramref name="toReleaseId"/>, or by default to the release its
    /// last event replaced. Never rewrites history. The channel must not move meanwhile (compare-and-swap against the
    /// release current when the rollback was asked for).
    /// </summary>
    public Task<MetaCommitResult> RollbackAsync(string project, string channel, string? toReleaseId, string actor, string? reason, CancellationToken cancellationToken = default) =>
        RollbackAsync(project, channel, toReleaseId, null, actor, reason, cancellationToken);

    /// <summary>
    /// A rollback that is also a compare-and-swap like a promotion: with <paramref name="expectedReleaseId"/> the channel
    /// must be at that release (what the operator saw) or <see cref="PromotionConflictException"/>, nothing written.
    /// </summary>
    public Task<MetaCommitResult> RollbackAsync(string project, string channel, string? toReleaseId, string? expectedReleaseId, string actor, string? reason,
        CancellationToken cancellationToken = default)
    {
        MetaNames.Project(project);
        MetaNames.Channel(channel);
        if (toReleaseId is not null) MetaNames.Release(toReleaseId);
        if (expectedReleaseId is not null) MetaNames.Release(expectedReleaseId, "expected release id");
        CheckActor(actor);
        string? seen = expectedReleaseId;
        var first = expectedReleaseId is null;
        return CommitAsync((tip, _) =>
        {
            var current = ChannelResolver.Resolve(tip, project, channel);
            if (current is null && expectedReleaseId is not null) throw new PromotionConflictException(project, channel, expectedReleaseId, null);
            if (current is null) throw new VarTrackException(new Problem($"channel '{channel}' of project '{project}' has no release; nothing to roll back"));
            // A retried push must not roll back a promotion that landed after the rollback was asked for.
            if (first) (seen, first) = (current.CurrentReleaseId, false);
            else if (current.CurrentReleaseId != seen) throw new PromotionConflictException(project, channel, seen, current);
            var target = toReleaseId ?? current.LastEvent.PreviousReleaseId
                ?? throw new VarTrackException(new Problem($"channel '{channel}' of project '{project}' has no previous release to roll back to (its last event started the channel); name one with --to"));
            if (target == current.CurrentReleaseId)
                throw new VarTrackException(new Problem($"channel '{channel}' of project '{project}' is already at release '{target}'"));
            RequireRelease(tip, project, target);
            return Task.FromResult(EventChange(project, channel, current, target, actor, reason ?? $"rollback from {current.CurrentReleaseId}", "rollback"));
        }, cancellationToken);
    }

    /// <summary>Sets and removes flags of a channel on top of whatever the tip holds (so concurrent changes to other flags are kept).</summary>
    public Task<MetaCommitResult> SetFlagsAsync(string project, string channel, IReadOnlyDictionary<string, JsonValue> set, IReadOnlyCollection<string> unset,
        CancellationToken cancellationToken = default)
    {
        var path = MetaPaths.Flags(project, channel);
        foreach (var name in set.Keys) MetaNames.Flag(name);
        if (set.Count == 0 && unset.Count == 0) throw new VarTrackException(new Problem("no flag to set or remove; give name=value arguments or --unset name"));
        return CommitAsync(async (tip, ct) =>
        {
            var flags = (await ReadFlagsAsync(tip, project, channel, ct)).With(set, unset);
            return new MetaChange($"flags {project} {channel}: {Describe(set, unset)}", [new MetaFileWrite(path, _codec.Encode(path, flags.ToCanonical()))]);
        }, cancellationToken);
    }

    /// <summary>Writes (or replaces) an environment config file, encrypted when a rule matches its path.</summary>
    public Task<MetaCommitResult> PutEnvironmentFileAsync(string environment, string? developer, string file, byte[] content, CancellationToken cancellationToken = default)
    {
        var path = MetaPaths.EnvironmentFile(environment, developer, file);
        return CommitAsync((_, _) =>
            Task.FromResult(new MetaChange($"env {path[(MetaPaths.EnvironmentsFolder.Length + 1)..]}", [new MetaFileWrite(path, _codec.Encode(path, content))])), cancellationToken);
    }

    /// <summary>
    /// Commits whatever <paramref name="plan"/> returns for the tip, after <see cref="MetaImmutability.Check"/> passed on
    /// it (and again on each re-planned tip): the one place every write of release metadata is checked, whatever
    /// <see cref="IMetaRepository"/> implementation carries it.
    /// </summary>
    public Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return _repository.CommitAsync(async (tip, ct) =>
        {
            var change = await plan(tip, ct);
            MetaImmutability.Check(tip, change);
            return change;
        }, cancellationToken);
    }

    /// <summary>The channel's flags (decrypted when stored encrypted); empty when none were set.</summary>
    public async Task<FlagSet> ReadFlagsAsync(MetaTree tree, string project, string channel, CancellationToken cancellationToken)
    {
        var path = MetaPaths.Flags(project, channel);
        if (tree.Read(path) is not { } stored) return FlagSet.Empty;
        var plain = await _codec.DecodeAsync(path, stored, cancellationToken);
        return FlagSet.Parse(CanonicalJson.ParseObject(plain, path), MetaRecords.Parsed(path));
    }

    private MetaChange EventChange(string project, string channel, ChannelState? current, string releaseId, string actor, string? reason, string verb)
    {
        var now = MetaEventName.Truncate(_time.GetUtcNow());
        // The file name must sort after the channel's last event even when this machine's clock is behind its writer's.
        if (current is not null && now <= current.LastEventPath.Event!.Timestamp) now = current.LastEventPath.Event.Timestamp.AddMilliseconds(1);
        var name = new MetaEventName(now, _writer, (current?.EventCount ?? 0) + 1);
        var record = new PromotionEvent(releaseId, current?.CurrentReleaseId, actor, reason, now);
        var path = MetaPaths.Event(project, channel, name);
        var from = current is null ? "(new channel)" : $"from {current.CurrentReleaseId}";
        return new MetaChange($"{verb} {project} {channel}: {releaseId} {from}", [new MetaFileWrite(path, record.ToCanonical())]);
    }

    private static void RequireRelease(MetaTree tip, string project, string releaseId)
    {
        if (!tip.Exists(MetaPaths.Release(project, releaseId)))
            throw new VarTrackException(new Problem($"project '{project}' has no release '{releaseId}' (create it first with vt meta release create)") { File = MetaPaths.Release(project, releaseId) });
    }

    private static void CheckActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 256 || actor.Any(char.IsControl))
            throw new VarTrackException(new Problem($"actor {MetaNames.Shown(actor)} is invalid: 1-256 characters without control characters"));
    }

    private static VarTrackException Refused(string message, string path) => new(new Problem(message) { File = path });

    private static string Describe(IReadOnlyDictionary<string, JsonValue> set, IReadOnlyCollection<string> unset) =>
        string.Join(", ", set.Keys.Order(StringComparer.Ordinal).Select(k => $"set {k}").Concat(unset.Order(StringComparer.Ordinal).Select(k => $"unset {k}")));
}
