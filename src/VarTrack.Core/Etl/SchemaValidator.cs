using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Etl;

/// <summary>
/// Step 6: JSON Schema validation (NJsonSchema) of the document after root-key and environment selection, before
/// anything is written. Scalars are typed by what their format says (a YAML plain <c>5432</c> is a number, a quoted
/// <c>"5432"</c> a string). Every violation is reported, each with its key path and position.
/// </summary>
public sealed class SchemaValidator
{
    private readonly JsonSchema _schema;

    private SchemaValidator(JsonSchema schema, string schemaFile)
    {
        _schema = schema;
        SchemaFile = schemaFile;
    }

    public string SchemaFile { get; }

    /// <summary>Loads a schema file; a file that is not a valid JSON Schema is an error naming it.</summary>
    public static async Task<SchemaValidator> LoadAsync(string fileSystemPath, string displayPath, CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(fileSystemPath, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new VarTrackException(new Problem($"cannot read schema: {ex.Message}") { File = displayPath });
        }
        return await ParseAsync(text, displayPath, Path.GetDirectoryName(Path.GetFullPath(fileSystemPath)), cancellationToken);
    }

    public static async Task<SchemaValidator> ParseAsync(string schemaJson, string displayPath, string? baseDirectory = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var documentPath = baseDirectory is null ? null : Path.Combine(baseDirectory, Path.GetFileName(displayPath));
            CheckShape(schemaJson, displayPath);
            var schema = string.IsNullOrWhiteSpace(schemaJson) ? null : await JsonSchema.FromJsonAsync(schemaJson, documentPath!, cancellationToken);
            return schema is null
                ? throw new VarTrackException(new Problem("not a valid JSON Schema: the file is empty or null") { File = displayPath })
                : new SchemaValidator(schema, displayPath);
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            var position = ex switch
            {
                Newtonsoft.Json.JsonReaderException r => new SourcePosition(r.LineNumber, r.LinePosition),
                Newtonsoft.Json.JsonSerializationException s => new SourcePosition(s.LineNumber, s.LinePosition),
                _ => SourcePosition.None,
            };
            throw new VarTrackException(Problem.At(displayPath, position, $"not a valid JSON Schema: {FirstLine(ex.Message)}"));
        }
    }

    /// <summary>Refuses keywords of the wrong shape (NJsonSchema would ignore them and check nothing); all problems at once.</summary>
    private static void CheckShape(string schemaJson, string displayPath)
    {
        if (string.IsNullOrWhiteSpace(schemaJson)) return;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(schemaJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return; // NJsonSchema reports malformed JSON with its position
        }
        using (document)
        {
            var problems = SchemaShapeCheck.Check(document.RootElement);
            if (problems.Count > 0)
                throw new VarTrackException(problems.Select(p => new Problem($"not a valid JSON Schema: {p}") { File = displayPath }).ToList());
        }
    }

    /// <summary>Every violation as a problem naming the key path (in flat-key form) and its position in <paramref name="file"/>.</summary>
    public IReadOnlyList<Problem> Validate(ConfigMap document, string file)
    {
        var token = ToToken(document);
        var problems = new List<Problem>();
        foreach (var error in _schema.Validate(token))
            Collect(error, file, problems);
        return problems;
    }

    private void Collect(ValidationError error, string file, List<Problem> problems)
    {
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            // oneOf/anyOf: report the branch errors too, they say what would have been accepted.
            foreach (var nested in child.Errors.SelectMany(e => e.Value))
                Collect(nested, file, problems);
        }
        var keyPath = KeyPath(error);
        var position = error.Token?.Annotation<Origin>()?.Position ?? SourcePosition.None;
        var message = $"schema {SchemaFile}: {Describe(error.Kind)}" + (error.Kind is ValidationErrorKind.PropertyRequired && error.Property is not null ? $" '{error.Property}'" : "");
        var problem = new Problem(message) { File = file, Position = position, Key = keyPath.Length == 0 ? null : keyPath };
        if (!problems.Contains(problem)) problems.Add(problem);
    }

    /// <summary>NJsonSchema paths look like <c>#/db.port</c> or <c>#/hosts[0]</c>; we print flat keys (<c>db.port</c>, <c>hosts.0</c>).</summary>
    private static string KeyPath(ValidationError error)
    {
        var path = error.Path ?? "";
        if (path.StartsWith("#/", StringComparison.Ordinal)) path = path[2..];
        else if (path == "#") path = "";
        path = path.Replace("[", ".").Replace("]", "");
        if (error.Kind == ValidationErrorKind.PropertyRequired && error.Property is not null && path.EndsWith(error.Property, StringComparison.Ordinal))
            path = path[..^error.Property.Length].TrimEnd('.');
        return path.TrimStart('.');
    }

    /// <summary>"IntegerExpected" -> "integer expected".</summary>
    private static string Describe(ValidationErrorKind kind)
    {
        var name = kind.ToString();
        var words = new System.Text.StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0) words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    internal static JToken ToToken(ConfigNode node)
    {
        JToken token = node switch
        {
            ConfigMap map => ToObject(map),
            ConfigList list => new JArray(list.Items.Select(ToToken)),
            ConfigScalar scalar => ToValue(scalar),
            _ => JValue.CreateNull(),
        };
        token.AddAnnotation(new Origin(node.Position));
        return token;
    }

    private static JObject ToObject(ConfigMap map)
    {
        var obj = new JObject();
        foreach (var entry in map.Entries)
            obj.Add(entry.Key, ToToken(entry.Value));
        return obj;
    }

    private static JValue ToValue(ConfigScalar scalar) => scalar.Kind switch
    {
        ScalarKind.Null => JValue.CreateNull(),
        ScalarKind.Boolean => new JValue(scalar.Text!.Equals("true", StringComparison.OrdinalIgnoreCase)),
        ScalarKind.Number => Number(scalar.Text!),
        _ => new JValue(scalar.Text),
    };

    private static JValue Number(string text)
    {
        var plain = text.Replace("_", "");
        if (long.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return new JValue(l);
        // NJsonSchema cannot validate BigInteger values; an integer beyond long is validated as the nearest long
        // (still an integer, same sign, so type/minimum/maximum behave). The stored text is never changed.
        if (BigInteger.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return new JValue(big.Sign < 0 ? long.MinValue : long.MaxValue);
        if (plain.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(plain[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex)) return new JValue(hex);
        if (decimal.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return new JValue(d);
        if (double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)) return new JValue(f);
        return new JValue(text);
    }

    private sealed record Origin(SourcePosition Position);
}
