using System.Text.Json;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>A server whose vartrack.yaml has no <c>meta:</c> section answers the meta routes with a JSON 404.</summary>
public sealed class MetaNotConfiguredTests
{
    [Fact]
    public async Task The_meta_route_says_that_meta_is_not_configured()
    {
        var folder = Directory.CreateTempSubdirectory("vt-e2e-nometa-").FullName;
        try
        {
            var config = Path.Combine(folder, "vartrack.yaml");
            await File.WriteAllTextAsync(config, "version: 1\nwebhooks:\n  github: { secret: \"s-1234567\" }\n");
            var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
            await using var app = ServerApp.Create(["--urls", url], options =>
            {
                options.ConfigPath = config;
                options.StateDirectory = Path.Combine(folder, "state");
            });
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            using var response = await http.GetAsync("/api/meta/shop/channels/prod");

            Assert.Equal(404, (int)response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(("meta_not_configured", "this server has no meta: section in its vartrack.yaml"),
                (body.GetProperty("error").GetString(), body.GetProperty("message").GetString()));

            // The notification list too (no API token is set on this server, so the list needs none).
            using var notifications = await http.GetAsync("/api/meta/notifications?state=failed");
            Assert.Equal(404, (int)notifications.StatusCode);
            Assert.Equal("meta_not_configured", JsonDocument.Parse(await notifications.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
