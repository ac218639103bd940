using System.Text.Json;

namespace VarTrack.Core.Webhooks;

/// <summary>
/// A JSON value with its path from the payload root (<c>push.changes[1].new.name</c>), so every missing or mistyped
/// field is reported by path. Required reads throw <see cref="MalformedPayloadException"/>; optional reads return
/// null for a missing or null field but still refuse a present field of the wrong type.
/// </summary>
internal readonly record struct PayloadNode(JsonElement Element, string Path)
{
    public static PayloadNode Root(JsonElement element) => new(element, "");

    public PayloadNode Required(string dottedPath)
    {
        var node = this;
        foreach (var name in dottedPath.Split('.'))
        {
            node = node.Child(name, out var found);
            if (!found) throw new MalformedPayloadException($"'{node.Path}' is missing");
            if (node.Element.ValueKind == JsonValueKind.Null) throw new MalformedPayloadException($"'{node.Path}' is null");
        }
        return node;
    }

    public PayloadNode? Optional(string dottedPath)
    {
        var node = this;
        foreach (var name in dottedPath.Split('.'))
        {
            node = node.Child(name, out var found);
            if (!found || node.Element.ValueKind == JsonValueKind.Null) return null;
        }
        return node;
    }

    public string String()
    {
        if (Element.ValueKind != JsonValueKind.String) throw WrongType("a string");
        try
        {
            return Element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // The parser accepts invalid UTF-8 inside strings; it only fails when the text is read.
            throw new MalformedPayloadException($"'{Path}' is not valid UTF-8");
        }
    }

    public string RequiredString(string dottedPath) => Required(dottedPath).String();

    public string? OptionalString(string dottedPath) => Optional(dottedPath)?.String();

    public bool? OptionalBoolean(string dottedPath) => Optional(dottedPath) is { } node
        ? node.Element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw node.WrongType("a boolean"),
        }
        : null;

    /// <summary>A whole number of at least <paramref name="minimum"/> (pull request numbers, commit counts).</summary>
    public long WholeNumber(long minimum) =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt64(out var value) && value >= minimum
            ? value
            : throw WrongType($"a whole number of at least {minimum}");

    public IEnumerable<PayloadNode> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array) throw WrongType("an array");
        var path = Path;
        return Element.EnumerateArray().Select((item, i) => new PayloadNode(item, $"{path}[{i}]")).ToList();
    }

    public IReadOnlyList<string> Strings() => Items().Select(item => item.String()).ToList();

    /// <summary>A commit id as Git prints it (7 to 64 hex digits); anything else is refused before it reaches Git.</summary>
    public string CommitId()
    {
        var text = String();
        return text.Length is >= 7 and <= 64 && text.All(char.IsAsciiHexDigit) ? text : throw new MalformedPayloadException($"'{Path}' is not a commit id");
    }

    public MalformedPayloadException WrongType(string expected) =>
        new($"'{Path}' must be {expected}, not {KindName(Element.ValueKind)}");

    private PayloadNode Child(string name, out bool found)
    {
        if (Element.ValueKind != JsonValueKind.Object) throw WrongType("an object");
        var path = Path.Length == 0 ? name : $"{Path}.{name}";
        found = Element.TryGetProperty(name, out var value);
        return new PayloadNode(value, path);
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
