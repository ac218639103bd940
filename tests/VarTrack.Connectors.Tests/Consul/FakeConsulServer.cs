using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VarTrack.Connectors.Tests.Consul;

/// <summary>
/// An in-memory Consul agent on a real HTTP port (Kestrel on 127.0.0.1, free port) speaking the documented KV HTTP API:
/// <c>GET /v1/kv/&lt;key&gt;</c> (JSON entries with base64 values, <c>?raw</c>, <c>?recurse</c>, <c>?keys</c> with
/// <c>?separator</c>), <c>PUT</c> (raw body, <c>?cas</c>, answers <c>true</c>/<c>false</c>), <c>DELETE</c>
/// (<c>?recurse</c>, <c>?cas</c>) and <c>PUT /v1/txn</c> with the KV verbs set, cas, get, get-or-empty, check-index,
/// check-not-exists and delete (atomic; 200 with Results, 409 with Errors), one Raft-like index shared by all keys,
/// <c>X-Consul-Index</c>, the 512 KiB value limit (413), an ACL token (<c>X-Consul-Token</c>, 403 "ACL not found"
/// otherwise) and fault injection. Thread-safe.
/// Not modelled: sessions, locks, flags semantics, blocking queries, datacenters, namespaces, ACL policies.
/// </summary>
public sealed class FakeConsulServer : IAsyncDisposable
{
    /// <summary>Consul's default <c>kv_max_value_size</c>.</summary>
    public const int MaxValueSize = 512 * 1024;

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly List<(string PathPrefix, int Status, string Body)> _faults = [];
    private ulong _index = 10;

    private FakeConsulServer(WebApplication app) => _app = app;

    /// <summary>The agent's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>When set, every request must carry this token in <c>X-Consul-Token</c>.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>
    /// Keys under this prefix may be read but not written with the token (an ACL policy with <c>key_prefix ... read</c>):
    /// a plain write answers 403 "Permission denied", a transaction rolls back with 409 and that error for the operation.
    /// </summary>
    public string? ReadOnlyPrefix { get; set; }

    public static async Task<FakeConsulServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeConsulServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return server;
    }

    /// <summary>The requests since the last call, as <c>METHOD /path?query</c>.</summary>
    public List<string> TakeRequests()
    {
        var taken = new List<string>();
        while (_requests.TryDequeue(out var request)) taken.Add(request);
        return taken;
    }

    /// <summary>Every stored key, ordered.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_gate) return _entries.Keys.ToList();
        }
    }

    /// <summary>The stored value of a key, or null.</summary>
    public byte[]? Value(string key)
    {
        lock (_gate) return _entries.TryGetValue(key, out var entry) ? entry.Value : null;
    }

    /// <summary>Writes a key as another client would.</summary>
    public void Put(string key, byte[] value)
    {
        lock (_gate) Set(key, value);
    }

    /// <summary>Answers requests whose path (after <c>/v1/</c>) starts with <paramref name="pathPrefix"/> with a status and a plain-text body.</summary>
    public void InjectFault(string pathPrefix, int status, string body)
    {
        lock (_gate) _faults.Add((pathPrefix, status, body));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        _requests.Enqueue($"{request.Method} {path}{request.QueryString}");
        var token = request.Headers["X-Consul-Token"].ToString();
        if (RequiredToken is not null && token != RequiredToken)
        {
            await TextAsync(context, 403, "ACL not found");
            return;
        }
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            await TextAsync(context, 404, "");
            return;
        }
        var apiPath = path["/v1/".Length..];
        (int Status, string Body)? fault;
        lock (_gate) fault = _faults.Where(f => apiPath.StartsWith(f.PathPrefix, StringComparison.Ordinal)).Select(f => ((int, string)?)(f.Status, f.Body)).FirstOrDefault();
        if (fault is { } injected)
        {
            await TextAsync(context, injected.Status, injected.Body);
            return;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();

        if (apiPath == "txn" && request.Method == "PUT") await TransactionAsync(context, body);
        else if (apiPath.StartsWith("kv/", StringComparison.Ordinal)) await KvAsync(context, apiPath["kv/".Length..], body);
        else await TextAsync(context, 404, "");
    }

    private async Task KvAsync(HttpContext context, string key, byte[] body)
    {
        var query = context.Request.Query;
        switch (context.Request.Method)
        {
            case "GET":
            {
                JsonNode? answer;
                byte[]? raw = null;
                lock (_gate)
                {
                    context.Response.Headers["X-Consul-Index"] = _index.ToString(CultureInfo.InvariantCulture);
                    if (query.ContainsKey("keys"))
                    {
                        var separator = query["separator"].ToString();
                        var keys = _entries.Keys.Where(k => k.StartsWith(key, StringComparison.Ordinal))
                            .Select(k =>
                            {
                                // Up to and including the first separator after the prefix, as consul folds "folders".
                                var at = separator.Length == 0 ? -1 : k.IndexOf(separator, key.Length, StringComparison.Ordinal);
                                return at < 0 ? k : k[..(at + separator.Length)];
                            })
                            .Distinct(StringComparer.Ordinal).ToList();
                        answer = keys.Count == 0 ? null : new JsonArray(keys.Select(k => (JsonNode)k).ToArray());
                    }
                    else if (query.ContainsKey("recurse"))
                    {
                        var entries = _entries.Where(e => e.Key.StartsWith(key, StringComparison.Ordinal)).Select(e => (JsonNode)EntryJson(e.Key, e.Value, withValue: true)).ToArray();
                        answer = entries.Length == 0 ? null : new JsonArray(entries);
                    }
                    else if (_entries.TryGetValue(key, out var entry))
                    {
                        raw = entry.Value;
                        answer = new JsonArray(EntryJson(key, entry, withValue: true));
                    }
                    else answer = null;
                }
                if (answer is null)
                {
                    await TextAsync(context, 404, "");
                    return;
                }
                if (query.ContainsKey("raw") && raw is not null)
                {
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.Body.WriteAsync(raw);
                    return;
                }
                await JsonAsync(context, 200, answer);
                return;
            }
            case "PUT":
            {
                if (ReadOnlyPrefix is { } readOnly && key.StartsWith(readOnly, StringComparison.Ordinal))
                {
                    await TextAsync(context, 403, "Permission denied");
                    return;
                }
                if (body.Length > MaxValueSize)
                {
                    await TextAsync(context, 413, $"Request body({body.Length} bytes) too large, max size: {MaxValueSize} bytes. See https://developer.hashicorp.com/consul/docs/agent/config/config-files#kv_max_value_size.");
                    return;
                }
                bool applied;
                lock (_gate)
                {
                    if (query.TryGetValue("cas", out var casText))
                    {
                        var cas = ulong.Parse(casText.ToString(), CultureInfo.InvariantCulture);
                        var exists = _entries.TryGetValue(key, out var current);
                        applied = cas == 0 ? !exists : exists && current!.ModifyIndex == cas;
                    }
                    else applied = true;
                    if (applied) Set(key, body);
                }
                await JsonAsync(context, 200, JsonValue.Create(applied));
                return;
            }
            case "DELETE":
            {
                bool applied = true;
                lock (_gate)
                {
                    if (query.ContainsKey("recurse"))
                    {
                        foreach (var k in _entries.Keys.Where(k => k.StartsWith(key, StringComparison.Ordinal)).ToList()) _entries.Remove(k);
                    }
                    else if (query.TryGetValue("cas", out var casText))
                    {
                        var cas = ulong.Parse(casText.ToString(), CultureInfo.InvariantCulture);
                        applied = cas > 0 && _entries.TryGetValue(key, out var current) && current.ModifyIndex == cas;
                        if (applied) _entries.Remove(key);
                    }
                    else _entries.Remove(key);
                    _index++;
                }
                await JsonAsync(context, 200, JsonValue.Create(applied));
                return;
            }
            default:
                await TextAsync(context, 405, "method not allowed");
                return;
        }
    }

    private async Task TransactionAsync(HttpContext context, byte[] body)
    {
        JsonArray operations;
        try
        {
            operations = JsonNode.Parse(body) as JsonArray ?? throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            await TextAsync(context, 400, "Failed to parse body: not a list of operations");
            return;
        }
        var results = new JsonArray();
        var errors = new JsonArray();
        lock (_gate)
        {
            // Work on a copy and swap it in only when every operation succeeded: the transaction is all or nothing.
            var staged = new SortedDictionary<string, Entry>(_entries, StringComparer.Ordinal);
            var index = _index + 1;
            for (var i = 0; i < operations.Count; i++)
            {
                var op = operations[i]?["KV"] as JsonObject;
                var verb = op?["Verb"]?.GetValue<string>();
                var key = op?["Key"]?.GetValue<string>() ?? "";
                var value = op?["Value"]?.GetValue<string>() is { } b64 ? Convert.FromBase64String(b64) : [];
                var opIndex = op?["Index"]?.GetValue<ulong>() ?? 0;
                var exists = staged.TryGetValue(key, out var current);
                string? error = null;
                if (verb is not ("get" or "get-or-empty" or "check-index" or "check-not-exists") && ReadOnlyPrefix is { } readOnly && key.StartsWith(readOnly, StringComparison.Ordinal))
                    verb = "denied";
                switch (verb)
                {
                    case "denied":
                        error = "Permission denied";
                        break;
                    case "set":
                        staged[key] = new Entry(value, exists ? current!.CreateIndex : index, index);
                        results.Add(new JsonObject { ["KV"] = EntryJson(key, staged[key], withValue: false) });
                        break;
                    case "cas":
                        if (opIndex == 0 ? exists : !exists || current!.ModifyIndex != opIndex)
                            error = $"failed to set key \"{key}\", index is stale";
                        else
                        {
                            staged[key] = new Entry(value, exists ? current!.CreateIndex : index, index);
                            results.Add(new JsonObject { ["KV"] = EntryJson(key, staged[key], withValue: false) });
                        }
                        break;
                    case "get" or "get-or-empty":
                        if (exists) results.Add(new JsonObject { ["KV"] = EntryJson(key, current!, withValue: true) });
                        else if (verb == "get") error = $"key \"{key}\" doesn't exist";
                        else results.Add(new JsonObject { ["KV"] = null });
                        break;
                    case "check-index":
                        if (!exists || current!.ModifyIndex != opIndex) error = $"current modify index {(exists ? current!.ModifyIndex : 0)} does not match expected index {opIndex}";
                        break;
                    case "check-not-exists":
                        if (exists) error = $"key \"{key}\" exists";
                        break;
                    case "delete":
                        staged.Remove(key);
                        break;
                    default:
                        error = $"unknown KV verb \"{verb}\"";
                        break;
                }
                if (error is not null) errors.Add(new JsonObject { ["OpIndex"] = i, ["What"] = error });
            }
            if (errors.Count == 0)
            {
                _entries.Clear();
                foreach (var (key, entry) in staged) _entries[key] = entry;
                _index = index;
            }
        }
        if (errors.Count > 0) await JsonAsync(context, 409, new JsonObject { ["Results"] = null, ["Errors"] = errors });
        else await JsonAsync(context, 200, new JsonObject { ["Results"] = results, ["Errors"] = null });
    }

    // Caller holds _gate.
    private void Set(string key, byte[] value)
    {
        _index++;
        _entries[key] = new Entry(value, _entries.TryGetValue(key, out var current) ? current.CreateIndex : _index, _index);
    }

    private static JsonObject EntryJson(string key, Entry entry, bool withValue) => new()
    {
        ["LockIndex"] = 0,
        ["Key"] = key,
        ["Flags"] = 0,
        // Consul answers an empty value as null.
        ["Value"] = withValue && entry.Value.Length > 0 ? Convert.ToBase64String(entry.Value) : null,
        ["CreateIndex"] = entry.CreateIndex,
        ["ModifyIndex"] = entry.ModifyIndex,
    };

    private static async Task JsonAsync(HttpContext context, int status, JsonNode? body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body?.ToJsonString() ?? "null");
    }

    private static async Task TextAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    private sealed record Entry(byte[] Value, ulong CreateIndex, ulong ModifyIndex);
}
