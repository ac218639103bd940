namespace VarTrack.Core.Releases;

/// <summary>A path of the meta repository taken apart (see <see cref="MetaPaths.Parse"/>); fields that do not apply are null.</summary>
public sealed record MetaPath(string Path, MetaPathKind Kind)
{
    public string? Project { get; init; }

    public string? ReleaseId { get; init; }

    public string? Os { get; init; }

    public string? Arch { get; init; }

    public string? Channel { get; init; }

    public MetaEventName? Event { get; init; }

    public string? Environment { get; init; }

    public string? Developer { get; init; }

    /// <summary>Releases, binaries and promotion events are written once and never changed or deleted.</summary>
    public bool IsImmutable => Kind is MetaPathKind.Release or MetaPathKind.Binary or MetaPathKind.Event;

    /// <summary><c>linux-amd64</c> for a binary.</summary>
    public string? Platform => Os is null ? null : $"{Os}-{Arch}";
}
