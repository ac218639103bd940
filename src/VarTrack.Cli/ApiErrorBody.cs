using System.Text.Json;

namespace VarTrack.Cli;

/// <summary>Reads the <c>{error, message}</c> body every VarTrack host answers errors with, each field on one line.</summary>
internal static class ApiErrorBody
{
    /// <summary>The code and message, or nulls when the body is not that shape (a proxy's HTML page, say).</summary>
    public static (string? Code, string? Message) Read(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            return (Field(root, "error"), Field(root, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    public static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? OneLine(value.GetString()!) : null;
}
