using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Config;

/// <summary>
/// Turns a <see cref="SettingValue"/> into its value where it is used: <c>${NAME}</c> from the environment, a whole-value
/// <c>@secret(...)</c> from the secret store. The result is a <see cref="SecretValue"/> so connection strings and
/// passwords never print. A missing variable or secret is an error naming the setting, never a silent empty string.
/// </summary>
public sealed class SettingResolver
{
    private readonly Func<string, string?> _environment;
    private readonly ISecretStore? _secrets;

    public SettingResolver(Func<string, string?>? environment = null, ISecretStore? secrets = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _secrets = secrets;
    }

    public async Task<SecretValue> ResolveAsync(SettingValue setting, string what, CancellationToken cancellationToken = default)
    {
        if (setting.Secret is { } reference)
        {
            if (_secrets is null)
                throw new VarTrackException(new Problem($"{what} references {reference} but no vault is configured"));
            IReadOnlyDictionary<string, SecretValue> data;
            try
            {
                data = await _secrets.ReadAsync(reference.Path, cancellationToken);
            }
            catch (SecretStoreException ex)
            {
                throw new VarTrackException(new Problem($"{what}: cannot resolve {reference}: {ex.Message}"));
            }
            if (reference.Key is null)
                throw new VarTrackException(new Problem($"{what}: {reference} must name one key of the secret (#key)"));
            return data.TryGetValue(reference.Key, out var value)
                ? value
                : throw new VarTrackException(new Problem($"{what}: cannot resolve {reference}: the secret has no key '{reference.Key}'"));
        }
        return new SecretValue(ResolveText(setting, what));
    }

    /// <summary>Expands ${NAME} references; <c>$${</c> is a literal <c>${</c>.</summary>
    public string ResolveText(SettingValue setting, string what)
    {
        var text = setting.Raw;
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                result.Append("${");
                i += 2;
                continue;
            }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i);
                if (close < 0)
                    throw new VarTrackException(new Problem($"{what} has an unclosed '${{' at character {i + 1}; write ${{NAME}}, or $${{ for a literal"));
                var name = text[(i + 2)..close];
                var value = _environment(name) ?? throw new VarTrackException(new Problem($"{what} uses ${{{name}}}, but the environment variable {name} is not set"));
                result.Append(value);
                i = close;
                continue;
            }
            result.Append(text[i]);
        }
        return result.ToString();
    }
}
