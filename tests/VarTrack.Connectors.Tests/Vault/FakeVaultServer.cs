using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VarTrack.Connectors.Tests.Vault;

/// <summary>
/// An in-memory Vault on a real HTTP port (Kestrel on 127.0.0.1, free port) speaking the documented HTTP API of the
/// KV version 2 engine and AppRole login: versions, soft delete, undelete, destroy, metadata, check-and-set, LIST (verb
/// and <c>?list=true</c>), token checks, per-token policies (<see cref="CreateToken"/>: path globs with capabilities,
/// checked on every request as Vault does, 403 "permission denied" otherwise), <c>sys/capabilities-self</c>,
/// namespaces (<c>X-Vault-Namespace</c>, one store per namespace), per-path fault injection and request counters.
/// Answers use Vault's JSON shapes, including its 404-with-metadata for deleted versions and nanosecond RFC 3339
/// times. Thread-safe.
/// Not modelled: policy documents, several policies per token and Vault's exact rule priority (the most specific
/// matching rule of the token wins: longest text before the first wildcard, then no trailing '*', then fewer '+'),
/// delete_version_after, namespace path prefixes, token renewal, response wrapping, KV v1, PATCH.
/// </summary>
public sealed class FakeVaultServer : IAsyncDisposable
{
    private const int DefaultMaxVersions = 10;

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MountSettings> _mounts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Mount, string Path), SecretEntry> _secrets = [];
    private readonly Dictionary<string, TokenEntry> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Mount, string RoleId), string> _appRoles = [];
    private readonly List<Fault> _faults = [];
    private int _requestCount;
    private int _loginCount;
    private int _dataReads;
    private int _metadataReads;
    private int _dataWrites;
    private int _lists;
    private int _deletes;

    private FakeVaultServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
        _mounts["secret"] = new MountSettings();
        RootToken = "hvs.root-" + Guid.NewGuid().ToString("N");
        _tokens[RootToken] = new TokenEntry(Namespace: null, ExpiresAt: null, IssuedByAppRole: false);
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c> (https when started with a certificate).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A token valid in every namespace that never expires, like a root token.</summary>
    public string RootToken { get; }

    /// <summary>The lease given to tokens issued by AppRole login; zero issues tokens that never expire.</summary>
    public TimeSpan AppRoleTokenTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Refuse requests without <c>X-Vault-Request: true</c> with 412, as Vault Agent does.</summary>
    public bool RequireRequestHeader { get; set; } = true;

    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Authorised reads of secret data (<c>GET &lt;mount&gt;/data/...</c>) so far.</summary>
    public int DataReads => Volatile.Read(ref _dataReads);

    /// <summary>Authorised metadata reads (<c>GET &lt;mount&gt;/metadata/...</c>, not lists) so far.</summary>
    public int MetadataReads => Volatile.Read(ref _metadataReads);

    /// <summary>Authorised secret writes (<c>POST/PUT &lt;mount&gt;/data/...</c>) so far.</summary>
    public int DataWrites => Volatile.Read(ref _dataWrites);

    /// <summary>Authorised LISTs of metadata folders so far.</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Authorised deletes of any kind (data DELETE, delete/, destroy/, metadata DELETE) so far.</summary>
    public int Deletes => Volatile.Read(ref _deletes);

    /// <summary>Sets the KV counters (<see cref="DataReads"/> and the others) back to zero.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _dataReads, 0);
        Interlocked.Exchange(ref _metadataReads, 0);
        Interlocked.Exchange(ref _dataWrites, 0);
        Interlocked.Exchange(ref _lists, 0);
        Interlocked.Exchange(ref _deletes, 0);
    }

    /// <summary>Successful AppRole logins so far.</summary>
    public int LoginCount => Volatile.Read(ref _loginCount);

    /// <summary>Every token issued by AppRole login so far (for tests that assert tokens never leak).</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return _tokens.Where(t => t.Value.IssuedByAppRole).Select(t => t.Key).ToList();
            }
        }
    }

    /// <summary>Starts a server on a free port of 127.0.0.1, over TLS when a certificate (with private key) is given.</summary>
    public static async Task<FakeVaultServer> StartAsync(X509Certificate2? certificate = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            }));
        var app = builder.Build();
        var server = new FakeVaultServer(app, time ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Address = new Uri(bound);
        return server;
    }

    /// <summary>Enables another KV v2 mount (e.g. <c>kv</c> or <c>team/kv</c>); <c>secret</c> exists from the start.</summary>
    public void AddMount(string mount)
    {
        lock (_gate)
        {
            _mounts[mount.Trim('/')] = new MountSettings();
        }
    }

    /// <summary>Accepts <paramref name="token"/> in every namespace until revoked.</summary>
    public void AcceptToken(string token)
    {
        lock (_gate)
        {
            _tokens[token] = new TokenEntry(Namespace: null, ExpiresAt: null, IssuedByAppRole: false);
        }
    }

    /// <summary>
    /// Issues a token valid in every namespace that may do only what <paramref name="rules"/> allow: each rule is a
    /// Vault policy path (exact, ending in <c>*</c> for a prefix, <c>+</c> for one segment) and its capabilities
    /// (<c>create</c>, <c>read</c>, <c>update</c>, <c>delete</c>, <c>list</c>, or <c>deny</c>).
    /// </summary>
    public string CreateToken(params (string Path, string[] Capabilities)[] rules)
    {
        var token = "hvs.policy-" + Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _tokens[token] = new TokenEntry(Namespace: null, ExpiresAt: null, IssuedByAppRole: false)
            {
                Rules = rules.Select(r => new PolicyRule(r.Path, r.Capabilities)).ToList(),
            };
        }

        return token;
    }

    public void RevokeToken(string token)
    {
        lock (_gate)
        {
            _tokens.Remove(token);
        }
    }

    /// <summary>Revokes every token AppRole login has issued, as if they had expired early.</summary>
    public void RevokeIssuedTokens()
    {
        lock (_gate)
        {
            foreach (var token in _tokens.Where(t => t.Value.IssuedByAppRole).Select(t => t.Key).ToList())
            {
                _tokens.Remove(token);
            }
        }
    }

    /// <summary>Registers an AppRole role id / secret id pair on an auth mount in a namespace (null or "" = root).</summary>
    public void AddAppRole(string roleId, string secretId, string? @namespace = null, string mount = "approle")
    {
        lock (_gate)
        {
            _appRoles[(NormaliseNamespace(@namespace), mount.Trim('/'), roleId)] = secretId;
        }
    }

    /// <summary>
    /// Makes requests to <paramref name="path"/> (the API path after <c>/v1/</c>, e.g. <c>secret/data/app/db</c>; a
    /// trailing <c>*</c> matches a prefix) fail with <paramref name="statusCode"/> and <c>{"errors":[error]}</c>,
    /// <paramref name="times"/> times. With <paramref name="echoRequestBody"/> the error text repeats the request body,
    /// as a careless proxy might, to prove the client never lets it through.
    /// </summary>
    public void InjectFault(string path, int statusCode, string error = "injected fault", int times = int.MaxValue, bool echoRequestBody = false)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(path.Trim('/'), statusCode, error, TimeSpan.Zero, times, echoRequestBody));
        }
    }

    /// <summary>Delays every answer for <paramref name="path"/> (same matching as <see cref="InjectFault"/>).</summary>
    public void InjectDelay(string path, TimeSpan delay)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(path.Trim('/'), statusCode: 0, error: "", delay, int.MaxValue, echoRequestBody: false));
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>
    /// Writes a version of a secret straight into the store (no HTTP, not counted), as a write through the API would:
    /// for tests that need thousands of secrets quickly. Values are stored as JSON strings.
    /// </summary>
    public void Seed(string mount, string path, IReadOnlyDictionary<string, string> data, string? @namespace = null)
    {
        var json = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
        lock (_gate)
        {
            var key = (NormaliseNamespace(@namespace), mount.Trim('/'), path.Trim('/'));
            if (!_secrets.TryGetValue(key, out var entry))
            {
                entry = new SecretEntry { CreatedTime = _time.GetUtcNow() };
                _secrets[key] = entry;
            }

            var number = entry.CurrentVersion + 1;
            entry.Versions[number] = new VersionEntry { CreatedTime = _time.GetUtcNow(), Data = json.ToJsonString() };
            entry.CurrentVersion = number;
            entry.UpdatedTime = _time.GetUtcNow();
        }
    }

    /// <summary>Keys (with metadata) in a mount of the root namespace.</summary>
    public int SecretCount(string mount = "secret")
    {
        lock (_gate)
        {
            return _secrets.Keys.Count(k => k.Namespace == "" && k.Mount == mount);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string NormaliseNamespace(string? value) => (value ?? "").Trim().Trim('/');

    private static string FormatTime(DateTimeOffset time) =>
        // Vault (Go) writes RFC 3339 with nanoseconds; nine digits make sure clients cope with more than .NET's seven.
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    private static JsonObject Envelope(JsonNode? data, JsonNode? auth = null) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = auth,
    };

    // Empty texts are dropped: a 404 fault with no error text answers {"errors":[]}, Vault's "nothing here".
    private static Reply Errors(int status, params string[] errors) =>
        new(status, new JsonObject { ["errors"] = new JsonArray(errors.Where(e => e.Length > 0).Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()) });

    private static Reply PermissionDenied() => Errors(403, "1 error occurred:\n\t* permission denied\n\n");

    private static Reply NotFound() => Errors(404);

    private static Reply NoContent() => new(204, null);

    private static Reply Ok(JsonNode? data) => new(200, Envelope(data));

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var request = context.Request;
        string bodyText;
        using (var reader = new StreamReader(request.Body))
        {
            bodyText = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var rawPath = request.Path.Value ?? "";
        Reply reply;
        if (!rawPath.StartsWith("/v1/", StringComparison.Ordinal))
        {
            reply = NotFound();
        }
        else
        {
            var apiPath = rawPath["/v1/".Length..].Trim('/');
            var fault = TakeFault(apiPath);
            if (fault is { Delay: var delay } && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            reply = fault is { StatusCode: > 0 }
                ? Errors(fault.StatusCode, fault.EchoRequestBody ? $"{fault.Error}; request was {bodyText}" : fault.Error)
                : Handle(request, apiPath, bodyText);
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Body.ToJsonString(), context.RequestAborted);
        }
    }

    private Fault? TakeFault(string apiPath)
    {
        lock (_gate)
        {
            foreach (var fault in _faults)
            {
                var matches = fault.Path.EndsWith('*')
                    ? apiPath.StartsWith(fault.Path[..^1], StringComparison.Ordinal)
                    : apiPath == fault.Path;
                if (matches && fault.Remaining > 0)
                {
                    fault.Remaining--;
                    return fault;
                }
            }

            return null;
        }
    }

    private Reply Handle(HttpRequest request, string apiPath, string bodyText)
    {
        if (RequireRequestHeader && request.Headers["X-Vault-Request"] != "true")
        {
            return Errors(412, "missing 'X-Vault-Request' header");
        }

        JsonObject body;
        try
        {
            body = bodyText.Trim().Length == 0 ? [] : JsonNode.Parse(bodyText) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            return Errors(400, "failed to parse JSON input: " + e.Message);
        }

        var method = request.Method.ToUpperInvariant();
        var isList = method == "LIST" || (method == "GET" && request.Query["list"] == "true");
        var ns = NormaliseNamespace(request.Headers["X-Vault-Namespace"]);

        lock (_gate)
        {
            if (apiPath.StartsWith("auth/", StringComparison.Ordinal) && apiPath.EndsWith("/login", StringComparison.Ordinal))
            {
                return method is "POST" or "PUT"
                    ? Login(ns, apiPath["auth/".Length..^"/login".Length], body)
                    : Errors(405, "1 error occurred:\n\t* unsupported operation\n\n");
            }

            var token = (string?)request.Headers["X-Vault-Token"];
            if (!IsAuthorised(token, ns))
            {
                return Errors(403, "permission denied");
            }

            var rules = _tokens[token!].Rules;
            if (apiPath == "sys/capabilities-self")
            {
                // The default policy lets every token ask about itself.
                return method is "POST" or "PUT" ? CapabilitiesSelf(rules, body) : Errors(405, "1 error occurred:\n\t* unsupported operation\n\n");
            }

            var mount = _mounts.Keys
                .Where(m => apiPath == m || apiPath.StartsWith(m + "/", StringComparison.Ordinal))
                .OrderByDescending(m => m.Length)
                .FirstOrDefault();
            if (mount is null)
            {
                return Errors(404, $"no handler for route \"{apiPath}\". route entry not found.");
            }

            var rest = apiPath.Length > mount.Length ? apiPath[(mount.Length + 1)..] : "";
            var slash = rest.IndexOf('/');
            var operation = slash < 0 ? rest : rest[..slash];
            var key = slash < 0 ? "" : rest[(slash + 1)..];
            var settings = _mounts[mount];
            if (rules is not null && !Allows(rules, isList ? apiPath + "/" : apiPath, Capability(ns, mount, operation, key, method, isList)))
            {
                return PermissionDenied();
            }

            return (operation, method, isList) switch
            {
                ("config", "GET", false) => Ok(new JsonObject
                {
                    ["max_versions"] = settings.MaxVersions,
                    ["cas_required"] = settings.CasRequired,
                    ["delete_version_after"] = "0s",
                }),
                ("config", "POST" or "PUT", false) => ConfigureMount(settings, body),
                ("metadata", _, true) => List(ns, mount, key),
                (_, _, true) => Errors(405, "1 error occurred:\n\t* unsupported operation\n\n"),
                _ when key.Length == 0 => Errors(404, $"no handler for route \"{apiPath}\". route entry not found."),
                ("data", "GET", _) => ReadData(ns, mount, key, request.Query["version"]),
                ("data", "POST" or "PUT", _) => WriteData(ns, mount, key, settings, body),
                ("data", "DELETE", _) => DeleteLatest(ns, mount, key),
                ("metadata", "GET", _) => ReadMetadata(ns, mount, key, settings),
                ("metadata", "POST" or "PUT", _) => WriteMetadata(ns, mount, key, body),
                ("metadata", "DELETE", _) => DeleteMetadata(ns, mount, key),
                ("delete", "POST" or "PUT", _) => ChangeVersions(ns, mount, key, body, SoftDelete),
                ("undelete", "POST" or "PUT", _) => ChangeVersions(ns, mount, key, body, Undelete),
                ("destroy", "POST" or "PUT", _) => ChangeVersions(ns, mount, key, body, Destroy),
                ("data" or "metadata" or "delete" or "undelete" or "destroy", _, _) =>
                    Errors(405, "1 error occurred:\n\t* unsupported operation\n\n"),
                _ => Errors(404, $"no handler for route \"{apiPath}\". route entry not found."),
            };
        }
    }

    /// <summary>The capability Vault checks for a request: writes need create for a new key and update for an existing one.</summary>
    private string Capability(string ns, string mount, string operation, string key, string method, bool isList)
    {
        if (isList)
        {
            return "list";
        }

        return (operation, method) switch
        {
            (_, "GET") => "read",
            (_, "DELETE") => "delete",
            ("data" or "metadata", _) => _secrets.ContainsKey((ns, mount, key)) ? "update" : "create",
            _ => "update",
        };
    }

    private static bool Allows(IReadOnlyList<PolicyRule> rules, string path, string capability) =>
        Match(rules, path) is { } rule && !rule.Capabilities.Contains("deny") && rule.Capabilities.Contains(capability);

    /// <summary>The most specific rule matching the path (see the class summary), or null.</summary>
    private static PolicyRule? Match(IReadOnlyList<PolicyRule> rules, string path) =>
        rules.Where(rule => Glob(rule.Path, path))
            .OrderByDescending(rule => rule.Path.IndexOfAny(['*', '+']) is var wildcard && wildcard < 0 ? int.MaxValue : wildcard)
            .ThenBy(rule => rule.Path.EndsWith('*') ? 1 : 0)
            .ThenBy(rule => rule.Path.Count(c => c == '+'))
            .ThenByDescending(rule => rule.Path.Length)
            .FirstOrDefault();

    private static bool Glob(string pattern, string path)
    {
        var prefix = pattern.EndsWith('*');
        var patternSegments = (prefix ? pattern[..^1] : pattern).Split('/');
        var pathSegments = path.Split('/');
        for (var i = 0; i < patternSegments.Length; i++)
        {
            var last = i == patternSegments.Length - 1;
            if (i >= pathSegments.Length)
            {
                return false;
            }

            if (patternSegments[i] == "+")
            {
                continue;
            }

            // With a trailing '*' the last pattern segment only has to start the path's segment ("app*" matches "app1/x").
            var matches = last && prefix
                ? pathSegments[i].StartsWith(patternSegments[i], StringComparison.Ordinal)
                : pathSegments[i] == patternSegments[i];
            if (!matches)
            {
                return false;
            }
        }

        return prefix || pathSegments.Length == patternSegments.Length;
    }

    private static Reply CapabilitiesSelf(IReadOnlyList<PolicyRule>? rules, JsonObject body)
    {
        if (body["paths"] is not JsonArray { Count: > 0 } paths)
        {
            return Errors(400, "missing required 'paths' parameter");
        }

        // Vault answers one key per path, "capabilities" too for a single path, and repeats it all under "data".
        var answer = new JsonObject();
        foreach (var item in paths)
        {
            var path = item?.GetValue<string>() ?? "";
            var capabilities = rules is null ? ["root"] : Match(rules, path)?.Capabilities ?? ["deny"];
            answer[path] = new JsonArray(capabilities.Order(StringComparer.Ordinal).Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        }

        if (paths.Count == 1)
        {
            answer["capabilities"] = answer.First().Value!.DeepClone();
        }

        var reply = Envelope(answer.DeepClone());
        foreach (var (key, value) in answer)
        {
            reply[key] = value!.DeepClone();
        }

        return new Reply(200, reply);
    }

    private bool IsAuthorised(string? token, string ns)
    {
        if (string.IsNullOrEmpty(token) || !_tokens.TryGetValue(token, out var entry))
        {
            return false;
        }

        if (entry.ExpiresAt is { } expiresAt && _time.GetUtcNow() >= expiresAt)
        {
            _tokens.Remove(token);
            return false;
        }

        // Tokens are scoped to the namespace they were issued in; the root token reaches every namespace.
        return entry.Namespace is null || entry.Namespace == ns;
    }

    private Reply Login(string ns, string authMount, JsonObject body)
    {
        var roleId = body["role_id"]?.GetValueKind() == JsonValueKind.String ? body["role_id"]!.GetValue<string>() : "";
        var secretId = body["secret_id"]?.GetValueKind() == JsonValueKind.String ? body["secret_id"]!.GetValue<string>() : "";
        if (roleId.Length == 0)
        {
            return Errors(400, "missing role_id");
        }

        if (!_appRoles.TryGetValue((ns, authMount, roleId), out var expected) || expected != secretId)
        {
            return Errors(400, "invalid role or secret ID");
        }

        var token = "hvs.fake-" + Guid.NewGuid().ToString("N");
        var ttl = AppRoleTokenTtl;
        _tokens[token] = new TokenEntry(ns, ttl > TimeSpan.Zero ? _time.GetUtcNow() + ttl : null, IssuedByAppRole: true);
        Interlocked.Increment(ref _loginCount);
        var auth = new JsonObject
        {
            ["client_token"] = token,
            ["accessor"] = Guid.NewGuid().ToString(),
            ["policies"] = new JsonArray("default"),
            ["token_policies"] = new JsonArray("default"),
            ["metadata"] = new JsonObject { ["role_name"] = "fake-role" },
            ["lease_duration"] = (int)ttl.TotalSeconds,
            ["renewable"] = true,
            ["entity_id"] = "",
            ["token_type"] = "service",
            ["orphan"] = true,
        };
        return new Reply(200, Envelope(null, auth));
    }

    private static Reply ConfigureMount(MountSettings settings, JsonObject body)
    {
        if (body["max_versions"] is { } max)
        {
            settings.MaxVersions = max.GetValue<int>();
        }

        if (body["cas_required"] is { } cas)
        {
            settings.CasRequired = cas.GetValue<bool>();
        }

        return NoContent();
    }

    private Reply ReadData(string ns, string mount, string key, string? versionText)
    {
        Interlocked.Increment(ref _dataReads);
        if (!_secrets.TryGetValue((ns, mount, key), out var entry))
        {
            return NotFound();
        }

        var number = entry.CurrentVersion;
        if (!string.IsNullOrEmpty(versionText))
        {
            if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
            {
                return Errors(400, "version must be a number");
            }

            // version=0 means the latest, as in Vault.
            number = requested > 0 ? requested : number;
        }

        if (!entry.Versions.TryGetValue(number, out var version))
        {
            return NotFound();
        }

        // Vault answers a deleted or destroyed version with 404 and a body that still carries its metadata.
        var deleted = version.DeletionTime is { } at && at <= _time.GetUtcNow();
        var data = deleted || version.Destroyed || version.Data is null ? null : JsonNode.Parse(version.Data);
        var payload = new JsonObject { ["data"] = data, ["metadata"] = VersionJson(number, version, entry, withNumber: true) };
        return deleted || version.Destroyed ? new Reply(404, Envelope(payload)) : Ok(payload);
    }

    private Reply WriteData(string ns, string mount, string key, MountSettings settings, JsonObject body)
    {
        Interlocked.Increment(ref _dataWrites);
        if (body["data"] is not JsonObject data)
        {
            return Errors(400, "no data provided");
        }

        _secrets.TryGetValue((ns, mount, key), out var entry);
        var current = entry?.CurrentVersion ?? 0;
        var cas = body["options"] is JsonObject options && options["cas"] is { } casNode ? casNode.GetValue<int>() : (int?)null;
        if (cas is null && (settings.CasRequired || entry?.CasRequired == true))
        {
            return Errors(400, "check-and-set parameter required for this call");
        }

        if (cas is { } expected && expected != current)
        {
            return Errors(400, "check-and-set parameter did not match the current version");
        }

        var now = _time.GetUtcNow();
        if (entry is null)
        {
            entry = new SecretEntry { CreatedTime = now };
            _secrets[(ns, mount, key)] = entry;
        }

        var number = entry.CurrentVersion + 1;
        var version = new VersionEntry { CreatedTime = now, Data = data.ToJsonString() };
        entry.Versions[number] = version;
        entry.CurrentVersion = number;
        entry.UpdatedTime = now;

        var keep = entry.MaxVersions > 0 ? entry.MaxVersions : settings.MaxVersions > 0 ? settings.MaxVersions : DefaultMaxVersions;
        while (entry.Versions.Count > keep)
        {
            entry.Versions.Remove(entry.Versions.Keys.First());
            entry.OldestVersion = entry.Versions.Keys.First();
        }

        return Ok(VersionJson(number, version, entry, withNumber: true));
    }

    private Reply DeleteLatest(string ns, string mount, string key)
    {
        Interlocked.Increment(ref _deletes);
        if (_secrets.TryGetValue((ns, mount, key), out var entry) && entry.Versions.TryGetValue(entry.CurrentVersion, out var latest))
        {
            SoftDelete(latest);
            entry.UpdatedTime = _time.GetUtcNow();
        }

        return NoContent();
    }

    private Reply ChangeVersions(string ns, string mount, string key, JsonObject body, Action<VersionEntry> change)
    {
        if (change != Undelete)
        {
            Interlocked.Increment(ref _deletes);
        }

        if (body["versions"] is not JsonArray { Count: > 0 } versions)
        {
            return Errors(400, "no version number provided");
        }

        if (_secrets.TryGetValue((ns, mount, key), out var entry))
        {
            foreach (var item in versions)
            {
                if (item is not null && entry.Versions.TryGetValue(item.GetValue<int>(), out var version))
                {
                    change(version);
                }
            }

            entry.UpdatedTime = _time.GetUtcNow();
        }

        return NoContent();
    }

    private void SoftDelete(VersionEntry version)
    {
        if (!version.Destroyed && version.DeletionTime is null)
        {
            version.DeletionTime = _time.GetUtcNow();
        }
    }

    private static void Undelete(VersionEntry version)
    {
        if (!version.Destroyed)
        {
            version.DeletionTime = null;
        }
    }

    private static void Destroy(VersionEntry version)
    {
        version.Destroyed = true;
        version.Data = null;
    }

    private Reply ReadMetadata(string ns, string mount, string key, MountSettings settings)
    {
        Interlocked.Increment(ref _metadataReads);
        if (!_secrets.TryGetValue((ns, mount, key), out var entry))
        {
            return NotFound();
        }

        var versions = new JsonObject();
        foreach (var (number, version) in entry.Versions)
        {
            versions[number.ToString(CultureInfo.InvariantCulture)] = VersionJson(number, version, entry, withNumber: false);
        }

        return Ok(new JsonObject
        {
            ["cas_required"] = entry.CasRequired,
            ["created_time"] = FormatTime(entry.CreatedTime),
            ["current_version"] = entry.CurrentVersion,
            ["custom_metadata"] = CustomMetadataJson(entry),
            ["delete_version_after"] = "0s",
            ["max_versions"] = entry.MaxVersions,
            ["oldest_version"] = entry.OldestVersion,
            ["updated_time"] = FormatTime(entry.UpdatedTime),
            ["versions"] = versions,
        });
    }

    private Reply WriteMetadata(string ns, string mount, string key, JsonObject body)
    {
        if (!_secrets.TryGetValue((ns, mount, key), out var entry))
        {
            var now = _time.GetUtcNow();
            entry = new SecretEntry { CreatedTime = now, UpdatedTime = now };
            _secrets[(ns, mount, key)] = entry;
        }

        if (body["max_versions"] is { } max)
        {
            entry.MaxVersions = max.GetValue<int>();
        }

        if (body["cas_required"] is { } cas)
        {
            entry.CasRequired = cas.GetValue<bool>();
        }

        if (body["custom_metadata"] is JsonObject custom)
        {
            entry.CustomMetadata = custom.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        }

        entry.UpdatedTime = _time.GetUtcNow();
        return NoContent();
    }

    private Reply DeleteMetadata(string ns, string mount, string key)
    {
        Interlocked.Increment(ref _deletes);
        _secrets.Remove((ns, mount, key));
        return NoContent();
    }

    private Reply List(string ns, string mount, string folder)
    {
        Interlocked.Increment(ref _lists);
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var keys = _secrets.Keys
            .Where(k => k.Namespace == ns && k.Mount == mount && k.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Path[prefix.Length..])
            .Select(rest => rest.Contains('/') ? rest[..(rest.IndexOf('/') + 1)] : rest)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return keys.Count == 0
            ? NotFound()
            : Ok(new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()) });
    }

    private static JsonObject VersionJson(int number, VersionEntry version, SecretEntry entry, bool withNumber)
    {
        var json = new JsonObject
        {
            ["created_time"] = FormatTime(version.CreatedTime),
            ["deletion_time"] = version.DeletionTime is { } at ? FormatTime(at) : "",
            ["destroyed"] = version.Destroyed,
        };
        if (withNumber)
        {
            json["custom_metadata"] = CustomMetadataJson(entry);
            json["version"] = number;
        }

        return json;
    }

    private static JsonNode? CustomMetadataJson(SecretEntry entry) =>
        entry.CustomMetadata.Count == 0
            ? null
            : new JsonObject(entry.CustomMetadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));

    private sealed record Reply(int Status, JsonNode? Body);

    private sealed record TokenEntry(string? Namespace, DateTimeOffset? ExpiresAt, bool IssuedByAppRole)
    {
        /// <summary>Null: the token may do anything (root, and tokens without a policy in these tests).</summary>
        public IReadOnlyList<PolicyRule>? Rules { get; init; }
    }

    private sealed record PolicyRule(string Path, IReadOnlyList<string> Capabilities);

    private sealed class Fault(string path, int statusCode, string error, TimeSpan delay, int remaining, bool echoRequestBody)
    {
        public string Path { get; } = path;
        public int StatusCode { get; } = statusCode;
        public string Error { get; } = error;
        public TimeSpan Delay { get; } = delay;
        public int Remaining { get; set; } = remaining;
        public bool EchoRequestBody { get; } = echoRequestBody;
    }

    private sealed class MountSettings
    {
        public int MaxVersions { get; set; }
        public bool CasRequired { get; set; }
    }

    private sealed class SecretEntry
    {
        public DateTimeOffset CreatedTime { get; init; }
        public DateTimeOffset UpdatedTime { get; set; }
        public int CurrentVersion { get; set; }
        public int OldestVersion { get; set; }
        public int MaxVersions { get; set; }
        public bool CasRequired { get; set; }
        public Dictionary<string, string> CustomMetadata { get; set; } = new(StringComparer.Ordinal);
        public SortedDictionary<int, VersionEntry> Versions { get; } = [];
    }

    private sealed class VersionEntry
    {
        public DateTimeOffset CreatedTime { get; init; }
        public DateTimeOffset? DeletionTime { get; set; }
        public bool Destroyed { get; set; }

        /// <summary>The data object as JSON text (kept as written, so non-string values survive); null once destroyed.</summary>
        public string? Data { get; set; }
    }
}
