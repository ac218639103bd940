using VarTrack.Core.Formats;
using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>A rule: which files of which repositories sync, how they are transformed, and into which sinks.</summary>
public sealed record RuleDefinition(string Name)
{
    public const string DefaultRootKey = "vartrack";

    public static readonly IReadOnlyList<string> DefaultEnvironments = ["development", "staging", "production"];

    public SourcePosition Position { get; init; }

    public string? Tenant { get; init; }

    /// <summary>github, gitlab, gitea, bitbucket; null = any.</summary>
    public string? Platform { get; init; }

    public IReadOnlyList<Glob> Repositories { get; init; } = [];

    public IReadOnlyList<Glob> Files { get; init; } = [];

    /// <summary>Overrides the format detected from the extension.</summary>
    public ConfigFormat? Format { get; init; }

    /// <summary>Only this subtree is synced. Null: the whole document.</summary>
    public string? RootKey { get; init; } = DefaultRootKey;

    /// <summary>True when root_key was written in the config: then a file without it is an error, not the whole document.</summary>
    public bool RootKeyRequired { get; init; }

    /// <summary>The environments declared for environment-keyed documents (plus <c>default</c>).</summary>
    public IReadOnlyList<string> Environments { get; init; } = DefaultEnvironments;

    public EnvironmentResolution Environment { get; init; } = new();

    public string Separator { get; init; } = ".";

    public IReadOnlyList<VariableMapping> Variables { get; init; } = [];

    /// <summary>JSON Schema file, relative to vartrack.yaml (the tenant's schema when the rule names none).</summary>
    public string? Schema { get; init; }

    public IReadOnlyList<string> Sinks { get; init; } = [];

    public SyncStrategy Strategy { get; init; } = SyncStrategy.Auto;

    public bool Prune { get; init; }

    /// <summary>Keys never removed by prune or live_state (dot-segment-aware globs over flat keys).</summary>
    public IReadOnlyList<Glob> Protect { get; init; } = [];

    public DriftSettings Drift { get; init; } = DriftSettings.Default;

    /// <summary>How tracked files stored age-encrypted are opened; null: an encrypted file is an error naming the rule.</summary>
    public RuleDecryption? Decryption { get; init; }

    /// <summary>True when a repository-relative path is tracked by this rule.</summary>
    public bool TracksFile(string path) => Files.Count == 0 || Files.Any(g => g.IsMatch(path));

    public bool TracksRepository(string repository) => Repositories.Count == 0 || Repositories.Any(g => g.IsMatch(repository));
}
