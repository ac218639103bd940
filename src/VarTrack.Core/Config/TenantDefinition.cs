namespace VarTrack.Core.Config;

/// <summary>Per-tenant defaults; today the JSON Schema every rule of the tenant validates against.</summary>
public sealed record TenantDefinition(string Name)
{
    public string? Schema { get; init; }
}
