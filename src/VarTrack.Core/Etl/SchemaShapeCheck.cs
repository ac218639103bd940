using System.Text.Json;
using System.Text.RegularExpressions;

namespace VarTrack.Core.Etl;

/// <summary>
/// Checks that a JSON Schema's keywords have the shapes draft-07 gives them (<c>type</c> a known type name,
/// <c>required</c> a list of names, <c>properties</c> a map of schemas, numbers where numbers belong, valid
/// <c>pattern</c>s). NJsonSchema accepts <c>{"type": "nonsense"}</c> silently and then checks nothing, which would
/// let every file through; this turns such mistakes into errors naming the keyword's location.
/// </summary>
internal static class SchemaShapeCheck
{
    private static readonly HashSet<string> TypeNames = ["null", "boolean", "object", "array", "number", "string", "integer"];
    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "definitions", "$defs"];
    private static readonly string[] SingleSchemas = ["additionalItems", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] Numbers = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
    private static readonly string[] Counts = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

    /// <summary>Every shape problem, each as "at #/pointer: what is wrong".</summary>
    public static IReadOnlyList<string> Check(JsonElement schema)
    {
        var problems = new List<string>();
        CheckSchema(schema, "#", problems);
        return problems;
    }

    private static void CheckSchema(JsonElement schema, string at, List<string> problems)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False) return;
        if (schema.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"at {at}: a schema must be an object or true/false, found {schema.ValueKind.ToString().ToLowerInvariant()}");
            return;
        }
        foreach (var property in schema.EnumerateObject())
        {
            var value = property.Value;
            var here = $"{at}/{property.Name}";
            switch (property.Name)
            {
                case "type":
                    var names = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
                    if (names.Count == 0 || names.Any(n => n.ValueKind != JsonValueKind.String || !TypeNames.Contains(n.GetString()!)))
                        problems.Add($"at {here}: 'type' must be one of {string.Join(", ", TypeNames)} (or a list of them), found {value.GetRawText()}");
                    break;
                case "required":
                    if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
                        problems.Add($"at {here}: 'required' must be a list of property names, found {value.GetRawText()}");
                    break;
                case "enum":
                    if (value.ValueKind != JsonValueKind.Array)
                        problems.Add($"at {here}: 'enum' must be a list, found {value.GetRawText()}");
                    break;
                case "pattern":
                    if (value.ValueKind != JsonValueKind.String || !IsRegex(value.GetString()!))
                        problems.Add($"at {here}: 'pattern' must be a valid regular expression, found {value.GetRawText()}");
                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                        ForEachItem(value, here, problems);
                    else
                        CheckSchema(value, here, problems);
                    break;
                case var name when SchemaMaps.Contains(name):
                    if (value.ValueKind != JsonValueKind.Object)
                        problems.Add($"at {here}: '{name}' must map names to schemas, found {value.GetRawText()}");
                    else
                        foreach (var child in value.EnumerateObject()) CheckSchema(child.Value, $"{here}/{child.Name}", problems);
                    break;
                case var name when SingleSchemas.Contains(name):
                    CheckSchema(value, here, problems);
                    break;
                case var name when SchemaLists.Contains(name):
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                        problems.Add($"at {here}: '{name}' must be a non-empty list of schemas");
                    else
                        ForEachItem(value, here, problems);
                    break;
                case var name when Numbers.Contains(name):
                    if (value.ValueKind != JsonValueKind.Number)
                        problems.Add($"at {here}: '{name}' must be a number, found {value.GetRawText()}");
                    break;
                case var name when Counts.Contains(name):
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0)
                        problems.Add($"at {here}: '{name}' must be a whole number of at least 0, found {value.GetRawText()}");
                    break;
            }
        }
    }

    private static void ForEachItem(JsonElement list, string at, List<string> problems)
    {
        var i = 0;
        foreach (var item in list.EnumerateArray()) CheckSchema(item, $"{at}/{i++}", problems);
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
