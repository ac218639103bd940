namespace VarTrack.Core.Etl;

/// <summary>How nested keys are joined. Empty maps and lists produce no keys (they hold no values to store).</summary>
public sealed record FlattenOptions(string Separator = ".")
{
    public static readonly FlattenOptions Default = new();
}
