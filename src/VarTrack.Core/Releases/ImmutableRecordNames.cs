namespace VarTrack.Core.Releases;

/// <summary>How messages name the immutable record kinds (release, binary, promotion event).</summary>
internal static class ImmutableRecordNames
{
    public static string RecordName(this MetaPathKind kind) => kind switch
    {
        MetaPathKind.Release => "release",
        MetaPathKind.Binary => "binary",
        _ => "promotion event",
    };
}
