using System.Text.RegularExpressions;

namespace VarTrack.Connectors.Kubernetes;

/// <summary>The API server's naming rules (apimachinery validation) that the sink checks before sending anything.</summary>
internal static partial class ConfigMapNames
{
    public const int MaxSubdomainLength = 253;
    public const int MaxLabelLength = 63;

    /// <summary>Object names: DNS-1123 subdomain. Null when valid, else why not.</summary>
    public static string? SubdomainProblem(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (name.Length > MaxSubdomainLength) return $"it is longer than {MaxSubdomainLength} characters";
        return Subdomain().IsMatch(name) ? null : "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)";
    }

    /// <summary>Namespaces: DNS-1123 label.</summary>
    public static string? LabelProblem(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (name.Length > MaxLabelLength) return $"it is longer than {MaxLabelLength} characters";
        return Dns1123Label().IsMatch(name) ? null : "use lowercase letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)";
    }

    /// <summary>ConfigMap data keys: [-._a-zA-Z0-9]+, at most 253 characters, not '.', '..' or starting with '..'.</summary>
    public static string? KeyProblem(string key)
    {
        if (key.Length == 0) return "it is empty";
        if (key.Length > MaxSubdomainLength) return $"it is longer than {MaxSubdomainLength} characters";
        if (!ConfigMapKey().IsMatch(key)) return "ConfigMap keys may only hold letters, digits, '-', '_' and '.'";
        if (key.StartsWith("..", StringComparison.Ordinal) || key == ".") return "ConfigMap keys must not be '.' or start with '..'";
        return null;
    }

    /// <summary>Label keys: optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static string? LabelKeyProblem(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0 && SubdomainProblem(key[..slash]) is { } prefixProblem) return $"its prefix is not valid: {prefixProblem}";
        if (name.Length == 0 || name.Length > MaxLabelLength || !QualifiedName().IsMatch(name))
            return "the name part must be 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        return null;
    }

    /// <summary>Label values: empty, or at most 63 characters of the qualified-name alphabet.</summary>
    public static string? LabelValueProblem(string value) =>
        value.Length == 0 || (value.Length <= MaxLabelLength && QualifiedName().IsMatch(value))
            ? null
            : "label values must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigMapKey();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();
}
