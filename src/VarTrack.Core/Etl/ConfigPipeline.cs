using System.Collections.Concurrent;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Etl;

/// <summary>
/// The ETL steps in order, each a small pure function: parse -> root key -> environment -> environment slice ->
/// schema -> flatten -> variables_map -> (at write time) secrets. Schemas are loaded once and cached. Every value of an
/// age-encrypted file is held as a secret from here on (<see cref="SensitiveValues"/>), unless its rule says mask: false.
/// </summary>
public sealed class ConfigPipeline
{
    private readonly VarTrackConfig _config;
    private readonly ISecretStore? _secrets;
    private readonly ConfigFileReader _reader;
    private readonly AgeFileDecryption _decryption;
    private readonly ConcurrentDictionary<string, Lazy<Task<SchemaValidator>>> _schemas = new(StringComparer.Ordinal);

    /// <param name="decryption">Opens age-encrypted files; by default the in-process age implementation, with identities resolved from the environment and <paramref name="secrets"/>.</param>
    public ConfigPipeline(VarTrackConfig config, ISecretStore? secrets = null, ConfigFileReader? reader = null, AgeFileDecryption? decryption = null)
    {
        _config = config;
        _secrets = secrets;
        _reader = reader ?? new ConfigFileReader();
        _decryption = decryption ?? new AgeFileDecryption(new AgeCipher(), new SettingResolver(null, secrets));
    }

    /// <summary>Runs every step except secret resolution: the result may still hold @secret(...) references.</summary>
    public async Task<RenderedFile> TransformAsync(RenderRequest request, CancellationToken cancellationToken = default)
    {
        var rule = request.Rule;
        var environment = request.Environment ?? EnvironmentResolver.Resolve(rule.Environment, request.Ref, request.File);
        if (!EnvironmentName.IsValid(environment))
            throw new VarTrackException(new Problem($"environment '{environment}' is invalid: {EnvironmentName.Rule}") { File = request.File, Rule = rule.Name });

        // Encrypted files are opened here, before parsing, so parse errors still name the file with plaintext positions.
        var content = await _decryption.PlaintextAsync(request.File, request.Content, rule, cancellationToken);
        var sensitive = rule.Decryption is { Mask: true } && _decryption.IsEncrypted(request.Content.Span);
        var document = _reader.Read(request.File, content, rule.Format ?? AgeFileDecryption.FormatOf(request.File));
        var selected = RootKeySelector.Select(document, request.File, rule.RootKey, rule.RootKeyRequired);
        var sliced = EnvironmentSlicer.Slice(selected, environment, rule.Environments, request.File);

        if (SchemaFor(rule) is { } schemaFile)
        {
            var validator = await LoadSchemaAsync(schemaFile, cancellationToken);
            var problems = validator.Validate(sliced, request.File);
            if (problems.Count > 0) throw new VarTrackException(problems.Select(p => p with { Rule = rule.Name }).ToList());
        }

        var flat = Flattener.Flatten(sliced, request.File, new FlattenOptions(rule.Separator));
        var values = new TemplateValues(environment, rule.Name, request.File)
        {
            Tenant = rule.Tenant,
            Branch = request.Ref.BranchName,
            Repository = request.Repository,
        };
        var mapped = VariableMapper.Apply(flat, rule.Variables, values, request.File, rule.Name);
        // Marked here, before any rendering, plan or write sees the map: there is no later place that must remember to.
        if (sensitive) mapped = SensitiveValues.Mark(mapped);
        return new RenderedFile(request.File, rule.Name, environment, mapped)
        {
            UnresolvedSecretKeys = SecretResolver.KeysWithReferences(mapped),
            Sensitive = sensitive,
        };
    }

    /// <summary>Every step including secrets: the map sinks write. Fails (writing nothing) if any reference cannot be resolved.</summary>
    public async Task<RenderedFile> RenderAsync(RenderRequest request, CancellationToken cancellationToken = default)
    {
        var transformed = await TransformAsync(request, cancellationToken);
        if (transformed.UnresolvedSecretKeys.Count == 0) return transformed;
        var resolved = await SecretResolver.ResolveAsync(transformed.Values, _secrets, request.Rule.Separator, request.File, request.Rule.Name, cancellationToken);
        return transformed with { Values = resolved, UnresolvedSecretKeys = [] };
    }

    /// <summary>The schema a rule validates against: its own, else its tenant's.</summary>
    public string? SchemaFor(RuleDefinition rule) =>
        rule.Schema ?? (rule.Tenant is not null && _config.Tenants.TryGetValue(rule.Tenant, out var tenant) ? tenant.Schema : null);

    /// <summary>
    /// Loads a schema once. The shared load never uses a caller's token (one cancelled caller must not poison the cache
    /// for everyone); each caller only stops waiting. A failed load is dropped so the next call tries again.
    /// </summary>
    public async Task<SchemaValidator> LoadSchemaAsync(string schemaFile, CancellationToken cancellationToken = default)
    {
        var load = _schemas.GetOrAdd(schemaFile, file => new Lazy<Task<SchemaValidator>>(() =>
            SchemaValidator.LoadAsync(Path.Combine(_config.BaseDirectory, file), file, CancellationToken.None)));
        try
        {
            return await load.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (load.Value.IsFaulted)
        {
            _schemas.TryRemove(new KeyValuePair<string, Lazy<Task<SchemaValidator>>>(schemaFile, load));
            throw;
        }
    }
}
