using System.Net;
using System.Text;
using VarTrack.Connectors.Vault;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Tests.Vault;

/// <summary>The answers of sys/capabilities-self in the shapes Vault versions give (a canned handler; the fake gives the newest).</summary>
public sealed class VaultCapabilitiesTests
{
    private static VaultClient Client(HttpStatusCode status, string body, List<string>? sent = null) =>
        new(new VaultOptions { Address = new Uri("http://vault.test:8200"), Auth = new TokenAuth(new SecretValue("hvs.capabilities-token")) },
            new CannedHandler(status, body, sent));

    [Fact]
    public async Task Reads_one_key_per_path_and_sends_the_paths_as_documented()
    {
        var sent = new List<string>();
        using var client = Client(HttpStatusCode.OK, """{"secret/data/a":["read","update"],"secret/metadata/":["list"],"capabilities":["ignored"]}""", sent);

        var answer = await client.CapabilitiesAsync(["secret/data/a", "secret/metadata/"]);

        Assert.Equal(["read", "update"], answer["secret/data/a"]);
        Assert.Equal(["list"], answer["secret/metadata/"]);
        Assert.Equal(["POST /v1/sys/capabilities-self {\"paths\":[\"secret/data/a\",\"secret/metadata/\"]}"], sent);
    }

    [Fact]
    public async Task Reads_the_answer_under_data_and_the_old_single_path_capabilities_field()
    {
        using var nested = Client(HttpStatusCode.OK, """{"data":{"secret/data/a":["deny"]}}""");
        using var old = Client(HttpStatusCode.OK, """{"capabilities":["root"]}""");

        Assert.Equal(["deny"], (await nested.CapabilitiesAsync(["secret/data/a"]))["secret/data/a"]);
        Assert.Equal(["root"], (await old.CapabilitiesAsync(["secret/data/a"]))["secret/data/a"]);
    }

    [Fact]
    public async Task An_answer_without_a_path_or_an_error_status_throws_naming_the_endpoint()
    {
        using var partial = Client(HttpStatusCode.OK, """{"secret/data/a":["read"]}""");
        using var denied = Client(HttpStatusCode.Forbidden, """{"errors":["permission denied"]}""");

        var missing = await Assert.ThrowsAsync<VaultException>(() => partial.CapabilitiesAsync(["secret/data/a", "secret/data/b"]));
        var forbidden = await Assert.ThrowsAsync<VaultException>(() => denied.CapabilitiesAsync(["secret/data/a"]));

        Assert.Equal("vault returned an unexpected answer for sys/capabilities-self: no capabilities for 'secret/data/b'", missing.Message);
        Assert.Equal((HttpStatusCode.Forbidden, "vault returned 403 for sys/capabilities-self: permission denied"), (forbidden.StatusCode, forbidden.Message));
        Assert.DoesNotContain("hvs.capabilities-token", forbidden.ToString());
    }

    private sealed class CannedHandler(HttpStatusCode status, string body, List<string>? sent) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent?.Add($"{request.Method} {request.RequestUri!.AbsolutePath} {(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken))}");
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
