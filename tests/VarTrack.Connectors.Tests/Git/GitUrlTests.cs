using VarTrack.Connectors.Git;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>URL scrubbing, cache folder names and SSH URL forms.</summary>
public sealed class GitUrlTests
{
    [Theory]
    [InlineData("https://user:tok@github.com/acme/app.git", "https://github.com/acme/app.git")]
    [InlineData("https://ghp_secret@github.com/acme/app.git", "https://github.com/acme/app.git")]
    [InlineData("https://github.com/acme/app.git", "https://github.com/acme/app.git")]
    [InlineData("ssh://git@github.com/acme/app.git", "ssh://git@github.com/acme/app.git")]
    [InlineData("ssh://git:pw@github.com:2222/acme/app.git", "ssh://git@github.com:2222/acme/app.git")]
    [InlineData("git@github.com:acme/app.git", "git@github.com:acme/app.git")]
    [InlineData("/srv/git/app.git", "/srv/git/app.git")]
    public void ScrubRemovesCredentials(string url, string scrubbed) => Assert.Equal(scrubbed, GitUrl.Scrub(url));

    [Fact]
    public void ScrubTextRemovesUrlCredentialsAndSecretsFromLibraryMessages() =>
        Assert.Equal("failed to fetch https://host/x.git: token *** refused",
            GitUrl.ScrubText("failed to fetch https://me:s3cret@host/x.git: token s3cret refused", "s3cret"));

    [Fact]
    public void TheFolderNameIgnoresCredentialsAndATrailingSlash()
    {
        var name = GitUrl.FolderName("https://github.com/acme/app.git");
        Assert.Matches("^[0-9a-f]{32}$", name);
        Assert.Equal(name, GitUrl.FolderName("https://x-access-token:abc@github.com/acme/app.git/"));
        Assert.NotEqual(name, GitUrl.FolderName("https://github.com/acme/other.git"));
    }

    [Theory]
    [InlineData("ssh://git@github.com/acme/app.git", "git", "github.com", 22, "/acme/app.git")]
    [InlineData("ssh://root@127.0.0.1:12222/tmp/x/origin.git", "root", "127.0.0.1", 12222, "/tmp/x/origin.git")]
    [InlineData("ssh://host/~/repos/app.git", null, "host", 22, "~/repos/app.git")]
    [InlineData("git@github.com:acme/app.git", "git", "github.com", 22, "acme/app.git")]
    [InlineData("host.example:repos/app.git", null, "host.example", 22, "repos/app.git")]
    public void SshUrlsParse(string url, string? user, string host, int port, string path)
    {
        Assert.True(GitUrl.IsSsh(url));
        Assert.Equal(new SshEndpoint(user, host, port, path), SshEndpoint.Parse(url));
    }

    [Theory]
    [InlineData("https://github.com/acme/app.git")]
    [InlineData("file:///srv/app.git")]
    [InlineData("/srv/app.git")]
    [InlineData("C:/repos/app.git")]
    public void OtherUrlsAreNotSsh(string url) => Assert.False(GitUrl.IsSsh(url));

    [Fact]
    public void TheUploadPackCommandQuotesThePath() =>
        Assert.Equal(@"git-upload-pack '/tmp/it'\''s.git'", new SshEndpoint("git", "h", 22, "/tmp/it's.git").Command("git-upload-pack"));
}
