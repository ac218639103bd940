using System.Text.Json;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Secrets;

public sealed class SecretValueTests
{
    private const string Value = "s3cr3t-VALUE-xyz";

    [Fact]
    public void Prints_as_a_mask_everywhere()
    {
        var secret = new SecretValue(Value);
        Assert.Equal("***", secret.ToString());
        Assert.Equal("***", $"{secret}");
        Assert.Equal("x=***", string.Format(System.Globalization.CultureInfo.InvariantCulture, "x={0}", secret));
        Assert.Equal(SecretValue.Mask, secret.ToString());
    }

    [Fact]
    public void Reveal_gives_the_value()
    {
        Assert.Equal(Value, new SecretValue(Value).Reveal());
    }

    [Fact]
    public void System_Text_Json_writes_a_mask()
    {
        var secret = new SecretValue(Value);
        Assert.Equal("\"***\"", JsonSerializer.Serialize(secret));
        var json = JsonSerializer.Serialize(new { Password = secret, List = new[] { secret } });
        Assert.Equal("{\"Password\":\"***\",\"List\":[\"***\"]}", json);
        Assert.DoesNotContain(Value, json);
    }

    [Fact]
    public void System_Text_Json_refuses_to_read_a_secret()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SecretValue>("\"x\""));
    }

    [Fact]
    public void Equality_is_by_value()
    {
        Assert.Equal(new SecretValue(Value), new SecretValue(Value));
        Assert.NotEqual(new SecretValue(Value), new SecretValue(Value + "2"));
        Assert.Equal(new SecretValue(Value).GetHashCode(), new SecretValue(Value).GetHashCode());
        Assert.False(new SecretValue(Value).Equals(null));
        Assert.False(new SecretValue(Value).Equals((object)Value));
    }

    [Fact]
    public void Null_is_refused() => Assert.Throws<ArgumentNullException>(() => new SecretValue(null!));
}
