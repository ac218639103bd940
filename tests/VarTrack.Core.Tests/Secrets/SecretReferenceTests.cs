using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Secrets;

public sealed class SecretReferenceTests
{
    [Fact]
    public void Parses_a_reference_to_one_key()
    {
        Assert.True(SecretReference.TryParse("@secret(kv/app/db#password)", out var reference, out var error));
        Assert.Null(error);
        Assert.Equal(new SecretReference("kv/app/db", "password"), reference);
        Assert.False(reference!.IsWholeSecret);
        Assert.Equal("@secret(kv/app/db#password)", reference.ToString());
    }

    [Fact]
    public void Parses_a_reference_to_a_whole_secret()
    {
        Assert.True(SecretReference.TryParse("@secret(kv/app/db)", out var reference, out _));
        Assert.Equal("kv/app/db", reference!.Path);
        Assert.Null(reference.Key);
        Assert.True(reference.IsWholeSecret);
        Assert.Equal("@secret(kv/app/db)", reference.ToString());
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("")]
    [InlineData(" @secret(kv/a#b)")]
    [InlineData("@SECRET(kv/a#b)")]
    [InlineData("x@secret(kv/a#b)")]
    public void Text_that_does_not_start_like_a_reference_is_not_one(string text)
    {
        Assert.False(SecretReference.LooksLikeReference(text));
        Assert.False(SecretReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.Null(error);
    }

    [Fact]
    public void Null_does_not_look_like_a_reference() => Assert.False(SecretReference.LooksLikeReference(null));

    [Theory]
    [InlineData("@secret(")]
    [InlineData("@secret()")]
    [InlineData("@secret(kv/a#b")]
    [InlineData("@secret(kv/a#)")]
    [InlineData("@secret(kv/a#b#c)")]
    [InlineData("@secret(kv/a b#c)")]
    [InlineData("@secret(kv/a#b) trailing")]
    [InlineData("@secret(kv/(a)#b)")]
    public void Malformed_references_say_what_is_expected(string text)
    {
        Assert.True(SecretReference.LooksLikeReference(text));
        Assert.False(SecretReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.Equal("malformed secret reference; expected @secret(mount/path#key) or @secret(mount/path)", error);
    }

    [Theory]
    [InlineData("@secret(kv#key)", "kv")]
    [InlineData("@secret(/kv/a#key)", "/kv/a")]
    [InlineData("@secret(kv/a/#key)", "kv/a/")]
    [InlineData("@secret(kv//a#key)", "kv//a")]
    [InlineData("@secret(kv)", "kv")]
    public void A_path_without_a_mount_and_a_secret_is_refused(string text, string path)
    {
        Assert.False(SecretReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.Equal($"secret path '{path}' must be 'mount/path' (the first segment is the KV v2 mount)", error);
    }
}
