using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using VarTrack.Connectors.Tests.Vault;

namespace VarTrack.Connectors.Tests.Kubernetes;

/// <summary>
/// The fake answers as the API server documents (Status objects, codes, resourceVersion semantics), checked over raw
/// HTTP so the sink tests can rely on it.
/// </summary>
public sealed class FakeKubernetesApiTests : IAsyncLifetime
{
    private readonly TestCertificates _certificates = TestCertificates.Create("Fake API Test CA");
    private FakeKubernetesApi _api = null!;
    private HttpClient _http = null!;

    private string Collection => "/api/v1/namespaces/default/configmaps";

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync(_certificates.Server, _certificates.Authority);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_certificates.Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate!));
        };
        _http = new HttpClient(handler) { BaseAddress = _api.Address };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _api.Token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        _certificates.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private static JsonObject ConfigMap(string name, string? resourceVersion = null, JsonObject? data = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["resourceVersion"] = resourceVersion },
        ["data"] = data ?? new JsonObject { ["a"] = "1" },
    };

    [Fact]
    public async Task A_missing_configmap_is_a_404_status_object()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{Collection}/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"configmaps"},"code":404}""",
            body.ToJsonString(FakeKubernetesApi.Wire));
    }

    [Fact]
    public async Task A_wrong_or_missing_token_is_401()
    {
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        var (status, body) = await SendAsync(HttpMethod.Get, Collection);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""", body.ToJsonString());

        _http.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, Collection)).Status);
    }

    [Fact]
    public async Task Create_is_201_with_server_fields_and_a_second_create_is_409_already_exists()
    {
        var (status, created) = await SendAsync(HttpMethod.Post, Collection, ConfigMap("app"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("default", (string?)created["metadata"]!["namespace"]);
        Assert.False(string.IsNullOrEmpty((string?)created["metadata"]!["resourceVersion"]));
        Assert.False(string.IsNullOrEmpty((string?)created["metadata"]!["uid"]));

        var (again, conflict) = await SendAsync(HttpMethod.Post, Collection, ConfigMap("app"));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("AlreadyExists", (string?)conflict["reason"]);
        Assert.Equal("configmaps \"app\" already exists", (string?)conflict["message"]);

        var (list, items) = await SendAsync(HttpMethod.Get, Collection);
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal("ConfigMapList", (string?)items["kind"]);
        Assert.Single(items["items"]!.AsArray());
    }

    [Fact]
    public async Task Replace_with_a_stale_resource_version_is_409_conflict_and_without_one_is_unconditional()
    {
        var (_, created) = await SendAsync(HttpMethod.Post, Collection, ConfigMap("rv"));
        var version = (string)created["metadata"]!["resourceVersion"]!;

        var (ok, replaced) = await SendAsync(HttpMethod.Put, $"{Collection}/rv", ConfigMap("rv", version, new JsonObject { ["a"] = "2" }));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.NotEqual(version, (string?)replaced["metadata"]!["resourceVersion"]);
        Assert.Equal(created["metadata"]!["uid"]!.ToJsonString(), replaced["metadata"]!["uid"]!.ToJsonString());

        var (stale, conflict) = await SendAsync(HttpMethod.Put, $"{Collection}/rv", ConfigMap("rv", version, new JsonObject { ["a"] = "3" }));
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Equal("Conflict", (string?)conflict["reason"]);
        Assert.Equal("Operation cannot be fulfilled on configmaps \"rv\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)conflict["message"]);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"{Collection}/rv", ConfigMap("rv", null, new JsonObject { ["a"] = "4" }))).Status);
        Assert.Equal("4", (string?)_api.Get("default", "rv")!["data"]!["a"]);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, $"{Collection}/missing", ConfigMap("missing"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"{Collection}/rv", ConfigMap("other"))).Status);
    }

    [Fact]
    public async Task Delete_checks_preconditions_and_answers_a_success_status()
    {
        var (_, created) = await SendAsync(HttpMethod.Post, Collection, ConfigMap("gone"));
        var stale = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["preconditions"] = new JsonObject { ["resourceVersion"] = "1" } };
        var (conflict, _) = await SendAsync(HttpMethod.Delete, $"{Collection}/gone", stale);
        Assert.Equal(HttpStatusCode.Conflict, conflict);

        var current = new JsonObject { ["preconditions"] = new JsonObject { ["resourceVersion"] = created["metadata"]!["resourceVersion"]!.DeepClone() } };
        var (ok, status) = await SendAsync(HttpMethod.Delete, $"{Collection}/gone", current);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("Success", (string?)status["status"]);
        Assert.Null(_api.Get("default", "gone"));
    }

    [Fact]
    public async Task Invalid_keys_names_and_unknown_namespaces_are_refused_as_the_api_server_does()
    {
        var (invalid, body) = await SendAsync(HttpMethod.Post, Collection, ConfigMap("keys", data: new JsonObject { ["bad key"] = "1" }));
        Assert.Equal((HttpStatusCode)422, invalid);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Equal("data[bad key]", (string?)body["details"]!["causes"]![0]!["field"]);

        Assert.Equal((HttpStatusCode)422, (await SendAsync(HttpMethod.Post, Collection, ConfigMap("Upper"))).Status);

        var (missing, namespaceBody) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/nowhere/configmaps", ConfigMap("x"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("namespaces \"nowhere\" not found", (string?)namespaceBody["message"]);

        Assert.Equal(HttpStatusCode.InternalServerError, (await SendAsync(HttpMethod.Post, Collection, ConfigMap("with-rv", resourceVersion: "5"))).Status);
    }
}
