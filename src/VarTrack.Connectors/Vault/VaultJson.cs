using System.Globalization;
using System.Net;
using System.Text.Json;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// Reads Vault's answers with JsonDocument rather than JsonSerializer: <see cref="SecretValue"/> refuses to be
/// deserialised on purpose, and a shape error must name the API path, never echo the body.
/// </summary>
internal static class VaultJson
{
    public static JsonElement Object(JsonElement parent, string name, VaultPath path)
    {
        if (parent.ValueKind == JsonValueKind.Object
            && parent.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        throw Unexpected(path, $"'{name}' is missing or not an object");
    }

    public static int Int(JsonElement parent, string name, VaultPath path, int? fallback = null)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        return fallback ?? throw Unexpected(path, $"'{name}' is missing or not an integer");
    }

    public static bool Bool(JsonElement parent, string name, bool fallback = false) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;

    public static string String(JsonElement parent, string name, string fallback = "") =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : fallback;

    /// <summary>Vault writes RFC 3339 times with up to nine fraction digits, and "" for "not set".</summary>
    public static DateTimeOffset? Time(JsonElement parent, string name, VaultPath path)
    {
        var text = String(parent, name);
        if (text.Length == 0)
        {
            return null;
        }

        // .NET keeps seven fraction digits; Go sends up to nine, so the extra ones are cut before parsing.
        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = text[..(dot + 8)] + text[end..];
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw Unexpected(path, $"'{name}' is not a time");
    }

    public static KvVersionMetadata VersionMetadata(JsonElement metadata, int version, VaultPath path) =>
        new(
            version,
            Time(metadata, "created_time", path) ?? DateTimeOffset.MinValue,
            Time(metadata, "deletion_time", path),
            Bool(metadata, "destroyed"));

    public static IReadOnlyDictionary<string, SecretValue> SecretData(JsonElement data)
    {
        var result = new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        if (data.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var property in data.EnumerateObject())
        {
            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            result[property.Name] = new SecretValue(text);
        }

        return result;
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonElement parent, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parent.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in map.EnumerateObject())
            {
                result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
        }

        return result;
    }

    public static VaultException Unexpected(VaultPath path, string what) =>
        new(HttpStatusCode.OK, path.Text, $"vault returned an unexpected answer for {path.Text}: {what}");
}
