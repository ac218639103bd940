using System.Text.Json;
using VarTrack.Core.Etl;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Etl;

public sealed class FlatValueTests
{
    private const string Value = "s3cr3t-VALUE-xyz";

    [Fact]
    public void Text_null_and_secret_expose_what_they_are()
    {
        var text = FlatValue.Text("abc");
        Assert.False(text.IsNull);
        Assert.False(text.IsSecret);
        Assert.Equal("abc", text.PlainText);
        Assert.Equal("abc", text.Display);
        Assert.Equal("abc", text.Reveal());
        Assert.Equal("abc", text.ToString());

        var none = FlatValue.Null;
        Assert.True(none.IsNull);
        Assert.Null(none.PlainText);
        Assert.Null(none.Display);
        Assert.Null(none.Reveal());
        Assert.Equal("null", none.ToString());
        Assert.Equal(default, none);

        var secret = FlatValue.Secret(new SecretValue(Value));
        Assert.True(secret.IsSecret);
        Assert.False(secret.IsNull);
        Assert.Null(secret.PlainText);
        Assert.Equal("***", secret.Display);
        Assert.Equal(Value, secret.Reveal());
    }

    [Fact]
    public void A_secret_prints_as_a_mask()
    {
        var secret = FlatValue.Secret(new SecretValue(Value));
        Assert.Equal("***", secret.ToString());
        Assert.Equal("v=***", $"v={secret}");
        var json = JsonSerializer.Serialize(new { secret, nested = new Dictionary<string, FlatValue> { ["k"] = secret } });
        Assert.DoesNotContain(Value, json);
    }

    [Fact]
    public void From_maps_null_to_null()
    {
        Assert.True(FlatValue.From(null).IsNull);
        Assert.Equal("", FlatValue.From("").PlainText);
        Assert.Throws<ArgumentNullException>(() => FlatValue.Text(null!));
    }

    [Fact]
    public void Null_and_empty_string_differ()
    {
        Assert.NotEqual(FlatValue.Null, FlatValue.Text(""));
        Assert.True(FlatValue.Null != FlatValue.Text(""));
        Assert.False(FlatValue.Text("") == FlatValue.Null);
    }

    [Fact]
    public void Equality_compares_real_values()
    {
        Assert.Equal(FlatValue.Text("a"), FlatValue.Text("a"));
        Assert.True(FlatValue.Text("a") == FlatValue.Text("a"));
        Assert.NotEqual(FlatValue.Text("a"), FlatValue.Text("A"));
        Assert.Equal(FlatValue.Text(Value), FlatValue.Secret(new SecretValue(Value)));
        Assert.Equal(FlatValue.Text(Value).GetHashCode(), FlatValue.Secret(new SecretValue(Value)).GetHashCode());
        Assert.True(FlatValue.Text("a").Equals((object)FlatValue.Text("a")));
        Assert.False(FlatValue.Text("a").Equals((object)"a"));
    }
}
