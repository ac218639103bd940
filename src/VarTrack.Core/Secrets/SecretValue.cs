using System.Text.Json;
using System.Text.Json.Serialization;

namespace VarTrack.Core.Secrets;

/// <summary>
/// A secret resolved from the secret store. It prints as <c>***</c> everywhere (ToString, JSON, string interpolation,
/// logs); only sinks and the Vault client call <see cref="Reveal"/>.
/// </summary>
[JsonConverter(typeof(SecretValueJsonConverter))]
public sealed class SecretValue : IEquatable<SecretValue>
{
    public const string Mask = "***";
    private readonly string _value;

    public SecretValue(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The real value. Call only where it is written to a store, hashed, or compared.</summary>
    public string Reveal() => _value;

    public override string ToString() => Mask;

    public bool Equals(SecretValue? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SecretValue);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);

    private sealed class SecretValueJsonConverter : JsonConverter<SecretValue>
    {
        public override SecretValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new JsonException("Secret values are never deserialised; pass a secret reference instead.");

        public override void Write(Utf8JsonWriter writer, SecretValue value, JsonSerializerOptions options) => writer.WriteStringValue(Mask);
    }
}
