using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VarTrack.Connectors.Tests.Kubernetes;

/// <summary>
/// An in-memory Kubernetes API server for ConfigMaps only, on a real HTTPS port (Kestrel on 127.0.0.1, free port),
/// speaking the documented REST API: GET/POST <c>/api/v1/namespaces/{ns}/configmaps</c> and GET/PUT/DELETE
/// <c>/api/v1/namespaces/{ns}/configmaps/{name}</c>. It checks bearer tokens (401), namespaces (404
/// <c>namespaces "x" not found</c>), optimistic concurrency (a PUT whose <c>metadata.resourceVersion</c> is stale, or
/// a DELETE whose preconditions fail, gets 409 Conflict; a PUT without one is unconditional, as for real ConfigMaps),
/// name/key/size validation (422 Invalid) and immutable ConfigMaps, and answers errors with the API's Status object.
/// Resource versions come from one counter, as etcd revisions do. Thread-safe.
/// Not modelled: watch, PATCH, label/field selectors, generateName, dry run, finalizers, RBAC (any valid token may do anything).
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    private const int MaxDataBytes = 1024 * 1024;
    private const int MaxAnnotationBytes = 256 * 1024;

    /// <summary>Go's encoding/json escapes '"' as \" (not \u0022); answers are written the same way.</summary>
    public static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal) { "default" };
    private readonly Dictionary<(string Namespace, string Name), JsonObject> _configMaps = [];
    private readonly List<(string Method, string Path)> _requests = [];
    private Action? _beforeNextWrite;
    private long _revision = 100;

    private FakeKubernetesApi(WebApplication app, X509Certificate2 authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>The server's base address, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The only bearer token accepted.</summary>
    public string Token { get; } = "vt-fake-token-" + Guid.NewGuid().ToString("N");

    /// <summary>The CA that signed the server certificate (what a kubeconfig's certificate-authority-data holds).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>Every request so far as method and path, in arrival order (including refused ones).</summary>
    public IReadOnlyList<(string Method, string Path)> Requests
    {
        get
        {
            lock (_gate) return _requests.ToList();
        }
    }

    /// <summary>Requests that change state (POST, PUT, DELETE).</summary>
    public int WriteCount => Requests.Count(r => r.Method is "POST" or "PUT" or "DELETE");

    /// <summary>Starts a server on a free port of 127.0.0.1, serving TLS with <paramref name="server"/> (signed by <paramref name="authority"/>).</summary>
    public static async Task<FakeKubernetesApi> StartAsync(X509Certificate2 server, X509Certificate2 authority)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(server)));
        var app = builder.Build();
        var api = new FakeKubernetesApi(app, authority);
        app.Run(api.HandleAsync);
        await app.StartAsync();
        api.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return api;
    }

    public void AddNamespace(string name)
    {
        lock (_gate) _namespaces.Add(name);
    }

    /// <summary>A copy of a stored ConfigMap as the API would return it, or null.</summary>
    public JsonObject? Get(string @namespace, string name)
    {
        lock (_gate) return _configMaps.TryGetValue((@namespace, name), out var stored) ? (JsonObject)stored.DeepClone() : null;
    }

    /// <summary>Stores an object as given (a hand-made ConfigMap, say), assigning metadata; returns its resourceVersion.</summary>
    public string Put(string @namespace, JsonObject configMap)
    {
        lock (_gate)
        {
            var metadata = configMap["metadata"]!.AsObject();
            var name = (string)metadata["name"]!;
            var stored = (JsonObject)configMap.DeepClone();
            Stamp(stored, @namespace, _configMaps.TryGetValue((@namespace, name), out var existing) ? existing : null);
            _configMaps[(@namespace, name)] = stored;
            return (string)stored["metadata"]!["resourceVersion"]!;
        }
    }

    /// <summary>Changes a stored ConfigMap as <c>kubectl edit</c> would (a new resourceVersion).</summary>
    public void Edit(string @namespace, string name, Action<JsonObject> edit)
    {
        lock (_gate)
        {
            var stored = _configMaps[(@namespace, name)];
            edit(stored);
            stored["metadata"]!["resourceVersion"] = NextRevision();
        }
    }

    /// <summary>Runs <paramref name="action"/> once, just before the next POST, PUT or DELETE is handled: a concurrent edit between a client's read and write.</summary>
    public void BeforeNextWrite(Action action)
    {
        lock (_gate) _beforeNextWrite = action;
    }

    /// <summary>Writes a kubeconfig for this server (context <c>fake</c>) and returns its path.</summary>
    public string WriteKubeconfig(string directory, string? token = null, X509Certificate2? authority = null, Uri? server = null, string fileName = "kubeconfig")
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes((authority ?? Authority).ExportCertificatePem()));
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {(server ?? Address).GetLeftPart(UriPartial.Authority)}
                certificate-authority-data: {ca}
            users:
            - name: vartrack
              user:
                token: {token ?? Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: vartrack
                namespace: default
            current-context: fake
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private string NextRevision() => (++_revision).ToString(CultureInfo.InvariantCulture);

    private void Stamp(JsonObject configMap, string @namespace, JsonObject? previous)
    {
        configMap["apiVersion"] = "v1";
        configMap["kind"] = "ConfigMap";
        var metadata = configMap["metadata"]!.AsObject();
        metadata["namespace"] = @namespace;
        metadata["uid"] = previous?["metadata"]?["uid"]?.DeepClone() ?? Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = previous?["metadata"]?["creationTimestamp"]?.DeepClone()
                                        ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        metadata["resourceVersion"] = NextRevision();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body))
            body = await reader.ReadToEndAsync(context.RequestAborted);
        Reply reply;
        lock (_gate)
        {
            _requests.Add((request.Method, request.Path.Value ?? ""));
            reply = Handle(request.Method, request.Path.Value ?? "", request.Headers.Authorization.ToString(), body);
        }
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body.ToJsonString(Wire), context.RequestAborted);
    }

    private Reply Handle(string method, string path, string authorization, string body)
    {
        if (authorization != "Bearer " + Token) return Failure(401, "Unauthorized", "Unauthorized");

        var route = Route().Match(path);
        if (!route.Success) return Failure(404, "NotFound", "the server could not find the requested resource");
        var @namespace = route.Groups["ns"].Value;
        var name = route.Groups["name"].Success ? Uri.UnescapeDataString(route.Groups["name"].Value) : null;

        if (method is "POST" or "PUT" or "DELETE" && _beforeNextWrite is { } hook)
        {
            _beforeNextWrite = null;
            hook();
        }

        return (method, name) switch
        {
            ("GET", null) => List(@namespace),
            ("POST", null) => Create(@namespace, body),
            ("GET", { } n) => _configMaps.TryGetValue((@namespace, n), out var stored) ? new Reply(200, (JsonObject)stored.DeepClone()) : NotFound(n),
            ("PUT", { } n) => Replace(@namespace, n, body),
            ("DELETE", { } n) => Delete(@namespace, n, body),
            _ => Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"),
        };
    }

    private Reply List(string @namespace)
    {
        var items = new JsonArray(_configMaps.Where(c => c.Key.Namespace == @namespace).OrderBy(c => c.Key.Name, StringComparer.Ordinal)
            .Select(c => (JsonNode?)c.Value.DeepClone()).ToArray());
        return new Reply(200, new JsonObject
        {
            ["kind"] = "ConfigMapList",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    private Reply Create(string @namespace, string body)
    {
        if (Parse(body) is not { } configMap) return Failure(400, "BadRequest", "the body of the request was not a valid ConfigMap");
        var metadata = configMap["metadata"] as JsonObject;
        var name = (string?)metadata?["name"];
        if (name is null) return Failure(422, "Invalid", "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
        if (!_namespaces.Contains(@namespace)) return Failure(404, "NotFound", $"namespaces \"{@namespace}\" not found", name: @namespace, kind: "namespaces");
        if ((string?)metadata!["namespace"] is { Length: > 0 } given && given != @namespace)
            return Failure(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        if (!string.IsNullOrEmpty((string?)metadata["resourceVersion"]))
            return Failure(500, "InternalError", "Internal error occurred: resourceVersion should not be set on objects to be created");
        if (Validate(name, configMap) is { } invalid) return invalid;
        if (_configMaps.ContainsKey((@namespace, name))) return Failure(409, "AlreadyExists", $"configmaps \"{name}\" already exists", name);

        Stamp(configMap, @namespace, previous: null);
        _configMaps[(@namespace, name)] = configMap;
        return new Reply(201, (JsonObject)configMap.DeepClone());
    }

    private Reply Replace(string @namespace, string name, string body)
    {
        if (Parse(body) is not { } configMap) return Failure(400, "BadRequest", "the body of the request was not a valid ConfigMap");
        var metadata = configMap["metadata"] as JsonObject;
        if ((string?)metadata?["name"] != name)
            return Failure(400, "BadRequest", $"the name of the object ({(string?)metadata?["name"]}) does not match the name on the URL ({name})");
        if ((string?)metadata!["namespace"] is { Length: > 0 } given && given != @namespace)
            return Failure(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        if (!_configMaps.TryGetValue((@namespace, name), out var stored)) return NotFound(name);
        if ((string?)metadata["resourceVersion"] is { Length: > 0 } version && version != (string?)stored["metadata"]!["resourceVersion"])
            return Conflict(name, "the object has been modified; please apply your changes to the latest version and try again");
        if (Validate(name, configMap) is { } invalid) return invalid;
        if ((bool?)stored["immutable"] == true &&
            (!JsonNode.DeepEquals(stored["data"], configMap["data"]) || !JsonNode.DeepEquals(stored["binaryData"], configMap["binaryData"])))
            return Failure(422, "Invalid", $"ConfigMap \"{name}\" is invalid: data: Forbidden: field is immutable when `immutable` is set", name);

        Stamp(configMap, @namespace, stored);
        _configMaps[(@namespace, name)] = configMap;
        return new Reply(200, (JsonObject)configMap.DeepClone());
    }

    private Reply Delete(string @namespace, string name, string body)
    {
        if (!_configMaps.TryGetValue((@namespace, name), out var stored)) return NotFound(name);
        if (body.Length > 0 && Parse(body)?["preconditions"] is JsonObject preconditions)
        {
            var actualVersion = (string?)stored["metadata"]!["resourceVersion"];
            if ((string?)preconditions["resourceVersion"] is { } version && version != actualVersion)
                return Conflict(name, $"Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {actualVersion}");
            var actualUid = (string?)stored["metadata"]!["uid"];
            if ((string?)preconditions["uid"] is { } uid && uid != actualUid)
                return Conflict(name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {actualUid}");
        }
        _configMaps.Remove((@namespace, name));
        return new Reply(200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject { ["name"] = name, ["kind"] = "configmaps", ["uid"] = stored["metadata"]!["uid"]!.DeepClone() },
        });
    }

    /// <summary>The checks apimachinery's ConfigMap validation makes that a client can get wrong.</summary>
    private static Reply? Validate(string name, JsonObject configMap)
    {
        var causes = new List<(string Field, string Message)>();
        if (!Subdomain().IsMatch(name) || name.Length > 253)
            causes.Add(("metadata.name", $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
        var dataBytes = 0;
        foreach (var (key, value) in configMap["data"] as JsonObject ?? [])
        {
            if (!ConfigMapKey().IsMatch(key) || key.Length > 253 || key == "." || key.StartsWith("..", StringComparison.Ordinal))
                causes.Add(($"data[{key}]", $"Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
            if (value is null || value.GetValueKind() != JsonValueKind.String)
                causes.Add(($"data[{key}]", "Invalid value: must be a string"));
            dataBytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value?.GetValueKind() == JsonValueKind.String ? (string)value! : "");
        }
        foreach (var (key, value) in configMap["binaryData"] as JsonObject ?? [])
            dataBytes += Encoding.UTF8.GetByteCount(key) + (((string?)value)?.Length ?? 0) * 3 / 4;
        if (dataBytes > MaxDataBytes) causes.Add(("data", $"Too long: may not be more than {MaxDataBytes} bytes"));
        var annotationBytes = (configMap["metadata"]?["annotations"] as JsonObject ?? [])
            .Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount((string?)a.Value ?? ""));
        if (annotationBytes > MaxAnnotationBytes) causes.Add(("metadata.annotations", $"Too long: may not be more than {MaxAnnotationBytes} bytes"));
        if (causes.Count == 0) return null;

        var reply = Failure(422, "Invalid", $"ConfigMap \"{name}\" is invalid: " + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")), name);
        reply.Body["details"]!["causes"] = new JsonArray(causes.Select(c => (JsonNode?)new JsonObject
        {
            ["reason"] = c.Message.StartsWith("Too long", StringComparison.Ordinal) ? "FieldValueTooLong" : "FieldValueInvalid",
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        return reply;
    }

    private static JsonObject? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Reply NotFound(string name) => Failure(404, "NotFound", $"configmaps \"{name}\" not found", name);

    private static Reply Conflict(string name, string why) => Failure(409, "Conflict", $"Operation cannot be fulfilled on configmaps \"{name}\": {why}", name);

    /// <summary>The API's Status object for a failure (apimachinery metav1.Status).</summary>
    private static Reply Failure(int code, string reason, string message, string? name = null, string kind = "configmaps")
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (name is not null) status["details"] = new JsonObject { ["name"] = name, ["kind"] = kind };
        status["code"] = code;
        return new Reply(code, status);
    }

    [GeneratedRegex(@"^/api/v1/namespaces/(?<ns>[^/]+)/configmaps(?:/(?<name>[^/]+))?/?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Route();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigMapKey();

    private sealed record Reply(int Status, JsonObject Body);
}
