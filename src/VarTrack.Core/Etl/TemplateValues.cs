namespace VarTrack.Core.Etl;

/// <summary>The values of template placeholders for one file synced in one environment.</summary>
public sealed record TemplateValues(string Environment, string Rule, string File)
{
    public string? Tenant { get; init; }
    public string? Branch { get; init; }
    public string? Repository { get; init; }

    public IReadOnlyDictionary<string, string?> ToDictionary() => new Dictionary<string, string?>
    {
        ["env"] = Environment,
        ["rule"] = Rule,
        ["file"] = File,
        ["tenant"] = Tenant,
        ["branch"] = Branch,
        ["repository"] = Repository,
    };
}
