using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

public sealed class MetaDeliveryErrorMaskTests
{
    private static MetaSubscriber Subscriber(string url) => new("hook", url, new SettingValue("${HOOK_SECRET}", new SourcePosition(1, 1)) { EnvironmentVariables = ["HOOK_SECRET"] });

    [Fact]
    public void A_password_holding_an_at_sign_is_hidden_whole()
    {
        var masked = MetaDeliveryErrorMask.Apply("error sending to 'https://user:p@ss@hooks.example.com/x' via https://bob:a@b@c@proxy.example/", []);

        Assert.Equal("error sending to 'https://***@hooks.example.com/x' via https://***@proxy.example/", masked);
    }

    [Fact]
    public void A_subscriber_URL_is_cut_to_scheme_and_host_because_webhook_tokens_live_in_the_path()
    {
        const string url = "https://hooks.slack.com/services/T000/B000/SECRETPATHTOKEN";

        var masked = MetaDeliveryErrorMask.Apply($"error sending to '{url}': 404", [Subscriber(url)]);

        Assert.Equal("error sending to 'https://hooks.slack.com/***': 404", masked);
    }

    [Fact]
    public void A_subscriber_URL_with_credentials_loses_them_and_its_path()
    {
        const string url = "https://user:p@ss@hooks.example.com/x?token=t0k";

        var masked = MetaDeliveryErrorMask.Apply($"error sending to '{url}'", [Subscriber(url)]);

        Assert.DoesNotContain("ss@", masked);
        Assert.DoesNotContain("t0k", masked);
        Assert.DoesNotContain("/x", masked);
        Assert.StartsWith("error sending to 'https://", masked);
    }
}
