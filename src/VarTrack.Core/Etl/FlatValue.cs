using System.Text.Json;
using System.Text.Json.Serialization;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Etl;

/// <summary>
/// One value of a flat map: text, null, or a resolved <see cref="SecretValue"/>. Printing it never shows a secret
/// (<see cref="Display"/> is <c>***</c>); sinks and the content hash use <see cref="Reveal"/>.
/// </summary>
[JsonConverter(typeof(FlatValueJsonConverter))]
public readonly struct FlatValue : IEquatable<FlatValue>
{
    private readonly object? _value;

    private FlatValue(object? value) => _value = value;

    public static FlatValue Null => default;

    public static FlatValue Text(string text) => new(text ?? throw new ArgumentNullException(nameof(text)));

    public static FlatValue Secret(SecretValue secret) => new(secret);

    public static FlatValue From(string? text) => text is null ? Null : Text(text);

    public bool IsNull => _value is null;

    public bool IsSecret => _value is SecretValue;

    /// <summary>The text as written, or null; for a secret, null (use <see cref="Reveal"/> where the value is needed).</summary>
    public string? PlainText => _value as string;

    /// <summary>What may be shown to people: the text, <c>***</c> for a secret, null for null.</summary>
    public string? Display => _value switch
    {
        SecretValue => SecretValue.Mask,
        string s => s,
        _ => null,
    };

    /// <summary>The real value: for writing to a store, hashing and comparing only.</summary>
    public string? Reveal() => _value switch
    {
        SecretValue s => s.Reveal(),
        string s => s,
        _ => null,
    };

    /// <summary>Equal when the real values are equal (a secret equals the same text), null only equals null.</summary>
    public bool Equals(FlatValue other) => string.Equals(Reveal(), other.Reveal(), StringComparison.Ordinal) && IsNull == other.IsNull;

    public override bool Equals(object? obj) => obj is FlatValue other && Equals(other);

    public override int GetHashCode() => Reveal() is { } s ? StringComparer.Ordinal.GetHashCode(s) : 0;

    public static bool operator ==(FlatValue left, FlatValue right) => left.Equals(right);

    public static bool operator !=(FlatValue left, FlatValue right) => !left.Equals(right);

    public override string ToString() => Display ?? "null";

    /// <summary>Serialises what may be shown (secrets as ***); never reads values back from JSON.</summary>
    private sealed class FlatValueJsonConverter : JsonConverter<FlatValue>
    {
        public override FlatValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? Null : Text(reader.GetString() ?? throw new JsonException("expected a string or null"));

        public override void Write(Utf8JsonWriter writer, FlatValue value, JsonSerializerOptions options)
        {
            if (value.Display is { } display) writer.WriteStringValue(display);
            else writer.WriteNullValue();
        }
    }
}
