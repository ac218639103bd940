using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VarTrack.EndToEnd.Tests;

/// <summary>A GitHub push delivery as GitHub sends it: the documented payload fields, signed with HMAC-SHA256.</summary>
public sealed record GitHubPush(string Repository, string CloneUrl, string Before, string After)
{
    public IReadOnlyList<string> Added { get; init; } = [];
    public IReadOnlyList<string> Modified { get; init; } = [];
    public IReadOnlyList<string> Removed { get; init; } = [];
    public string Ref { get; init; } = "refs/heads/main";
    public string DeliveryId { get; init; } = Guid.NewGuid().ToString();

    public byte[] Body() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["ref"] = Ref,
        ["before"] = Before,
        ["after"] = After,
        ["created"] = false,
        ["deleted"] = false,
        ["repository"] = new Dictionary<string, object> { ["full_name"] = Repository, ["clone_url"] = CloneUrl, ["name"] = Repository.Split('/')[1] },
        ["commits"] = new[] { new Dictionary<string, object> { ["id"] = After, ["added"] = Added, ["modified"] = Modified, ["removed"] = Removed } },
        ["head_commit"] = new Dictionary<string, object> { ["id"] = After },
    });

    public static string Sign(byte[] body, string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public HttpRequestMessage Request(string secret, byte[]? body = null, string? signature = null)
    {
        body ??= Body();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", DeliveryId);
        request.Headers.Add("X-Hub-Signature-256", signature ?? Sign(body, secret));
        return request;
    }
}
