namespace VarTrack.Core.Etl;

/// <summary>One config file to run through the pipeline for one rule.</summary>
public sealed record RenderRequest(string File, ReadOnlyMemory<byte> Content, Config.RuleDefinition Rule, SourceRef Ref)
{
    /// <summary>Skips environment resolution (the CLI's <c>--env</c>).</summary>
    public string? Environment { get; init; }

    public string? Repository { get; init; }
}
