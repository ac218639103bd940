using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Consul;

/// <summary>
/// Vault replication's sync info in Consul KV under a key prefix (default <c>vartrack/vault-sync</c>), over Consul's
/// documented HTTP API: <c>&lt;prefix&gt;/&lt;owner&gt;/index.json</c> and
/// <c>&lt;prefix&gt;/&lt;owner&gt;/generations/&lt;generation&gt;/bucket-&lt;nnnn&gt;.json</c>, values holding the bytes
/// Core gives. The tag of an index is its key's <c>ModifyIndex</c>. The index is published with a one-operation
/// transaction (<c>PUT /v1/txn</c>, verb <c>cas</c>, index 0 = create only) rather than <c>PUT /v1/kv/&lt;key&gt;?cas=</c>:
/// both are check-and-set, but only the transaction answers the new ModifyIndex; reading it back afterwards could
/// return the index of a writer that published right after, and a later publish on that tag would silently overwrite
/// it. Buckets are plain <c>PUT</c>s (read raw with <c>?raw</c>), generations are listed with
/// <c>?keys&amp;separator=/</c> (one request) and deleted with <c>?recurse</c> (one request). Consul refuses values over
/// its <c>kv_max_value_size</c> (512 KiB by default). The ACL token goes in <c>X-Consul-Token</c> and never into a
/// message.
/// </summary>
public sealed class ConsulSyncInfoStore : ISyncInfoStore, IDisposable
{
    public const string DefaultKeyPrefix = SyncInfoSettings.DefaultConsulKeyPrefix;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private const int MaxErrorTextLength = 200;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _api;
    private readonly string? _token;
    private readonly SecretScrubber _scrubber;

    /// <summary>A store talking through <paramref name="http"/> (not disposed by the store) to the agent at <paramref name="address"/>.</summary>
    public ConsulSyncInfoStore(HttpClient http, Uri address, string? token = null, string keyPrefix = DefaultKeyPrefix)
        : this(http, ownsHttp: false, address, token, keyPrefix)
    {
    }

    private ConsulSyncInfoStore(HttpClient http, bool ownsHttp, Uri address, string? token, string keyPrefix)
    {
        if (AddressProblem(address) is { } problem) throw new VarTrackException(new Problem(problem));
        if (KeyPrefixProblem(keyPrefix) is { } prefixProblem) throw new VarTrackException(new Problem(prefixProblem));
        _http = http;
        _ownsHttp = ownsHttp;
        Address = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _api = new Uri(Address + "/v1/");
        _token = string.IsNullOrEmpty(token) ? null : token;
        _scrubber = new SecretScrubber(_token is null ? [] : [_token]);
        KeyPrefix = keyPrefix;
        Description = $"consul kv {keyPrefix} at {Address}";
    }

    /// <summary>A store with its own HTTP client: requests (connecting included) time out after <paramref name="timeout"/> (default 30 s).</summary>
    public static ConsulSyncInfoStore Create(string address, string? token = null, string keyPrefix = DefaultKeyPrefix, TimeSpan? timeout = null)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            throw new VarTrackException(new Problem("consul address is not an absolute http or https URL"));
        var limit = timeout ?? DefaultTimeout;
        if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "the consul timeout must be positive");
        var handler = new SocketsHttpHandler { ConnectTimeout = limit, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = limit };
        try
        {
            return new ConsulSyncInfoStore(http, ownsHttp: true, uri, token, keyPrefix);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The agent's base address without query or trailing '/', e.g. <c>http://127.0.0.1:8500</c>.</summary>
    public string Address { get; }

    public string KeyPrefix { get; }

    /// <summary><c>consul kv &lt;prefix&gt; at &lt;address&gt;</c>.</summary>
    public string Description { get; }

    /// <summary>The key of an owner's index: <c>&lt;prefix&gt;/&lt;owner&gt;/index.json</c>.</summary>
    public string IndexKey(string owner) => OwnerPrefix(owner) + SyncInfoLayout.IndexName;

    /// <summary>The key of a bucket: <c>&lt;prefix&gt;/&lt;owner&gt;/generations/&lt;generation&gt;/bucket-&lt;nnnn&gt;.json</c>.</summary>
    public string BucketKey(string owner, string generation, int bucket) => GenerationPrefix(owner, generation) + SyncInfoLayout.BucketName(bucket);

    public async Task<VersionedDocument?> ReadIndexAsync(string owner, CancellationToken cancellationToken = default)
    {
        var key = IndexKey(owner);
        var what = $"cannot read the sync info index '{key}'";
        using var response = await SendAsync(HttpMethod.Get, Kv(key), content: null, what, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, what, cancellationToken);
        // One GET answers the value and the ModifyIndex of that same value.
        var entries = await ReadJsonAsync(response, what, cancellationToken);
        if (entries is not JsonArray { Count: > 0 } array || array[0] is not JsonObject entry || ModifyIndexOf(entry) is not { } modifyIndex)
            throw Failure(what, "consul answered an unexpected document (no entry with a ModifyIndex)");
        return new VersionedDocument(ValueOf(entry, what), modifyIndex.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<string> WriteIndexAsync(string owner, ReadOnlyMemory<byte> data, string? expectedTag, CancellationToken cancellationToken = default)
    {
        var key = IndexKey(owner);
        ulong index = 0; // cas with index 0: only if the key does not exist yet
        if (expectedTag is not null && (!ulong.TryParse(expectedTag, NumberStyles.None, CultureInfo.InvariantCulture, out index) || index == 0))
            throw new ArgumentException($"'{expectedTag}' is not a tag of {Description}: tags are consul ModifyIndex numbers", nameof(expectedTag));
        var operations = new JsonArray(new JsonObject
        {
            ["KV"] = new JsonObject
            {
                ["Verb"] = "cas",
                ["Key"] = key,
                ["Value"] = Convert.ToBase64String(data.Span),
                ["Index"] = index,
            },
        });
        var what = $"cannot publish the sync info index '{key}'";
        using var content = new StringContent(operations.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Put, new Uri(_api, "txn"), content, what, cancellationToken);
        // 409: the transaction was rolled back; its Errors say why: the cas failed (the index changed, or exists on a
        // create: "index is stale"), or the token may not write the key ("Permission denied"), which is no conflict.
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var reasons = await TransactionErrorsAsync(response, cancellationToken);
            if (reasons.Any(r => r.Contains("permission denied", StringComparison.OrdinalIgnoreCase) || r.Contains("ACL not found", StringComparison.OrdinalIgnoreCase)))
                throw Failure(what, AccessRefused($"409: {string.Join("; ", reasons)}"), accessDenied: true);
            throw new SyncInfoConflictException(owner, Description);
        }
        await EnsureSuccessAsync(response, what, cancellationToken);
        var answer = await ReadJsonAsync(response, what, cancellationToken);
        if (answer?["Results"] is not JsonArray { Count: > 0 } results || results[0]?["KV"] is not JsonObject entry || ModifyIndexOf(entry) is not { } modifyIndex)
            throw Failure(what, "consul answered an unexpected document (no result with a ModifyIndex)");
        return modifyIndex.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<byte[]?> ReadBucketAsync(string owner, string generation, int bucket, CancellationToken cancellationToken = default)
    {
        var key = BucketKey(owner, generation, bucket);
        var what = $"cannot read the sync info bucket '{key}'";
        using var response = await SendAsync(HttpMethod.Get, Kv(key, "raw"), content: null, what, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, what, cancellationToken);
        return await ReadBytesAsync(response, what, cancellationToken);
    }

    public async Task WriteBucketAsync(string owner, string generation, int bucket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var key = BucketKey(owner, generation, bucket);
        var what = $"cannot write the sync info bucket '{key}'";
        // A plain put, not create-only: no published index names this generation yet, so no reader can see the bucket
        // change, and an activity retried after a crash must be able to write its buckets again.
        using var content = new ReadOnlyMemoryContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(HttpMethod.Put, Kv(key), content, what, cancellationToken);
        await EnsureTrueAsync(response, what, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListGenerationsAsync(string owner, CancellationToken cancellationToken = default)
    {
        var prefix = GenerationsPrefix(owner);
        var what = $"cannot list the sync info generations under '{prefix}'";
        // keys + separator: consul answers "<prefix><generation>/" once per generation, however many buckets it holds.
        using var response = await SendAsync(HttpMethod.Get, Kv(prefix, "keys&separator=%2F"), content: null, what, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        await EnsureSuccessAsync(response, what, cancellationToken);
        if (await ReadJsonAsync(response, what, cancellationToken) is not JsonArray keys)
            throw Failure(what, "consul answered an unexpected document (not a list of keys)");
        var generations = new List<string>();
        foreach (var item in keys)
        {
            if (item?.GetValueKind() != JsonValueKind.String) continue;
            var listed = item.GetValue<string>();
            if (!listed.StartsWith(prefix, StringComparison.Ordinal) || !listed.EndsWith('/')) continue; // a key directly under generations/ is no generation
            var generation = listed[prefix.Length..^1];
            if (SyncInfoLayout.IsValidName(generation)) generations.Add(generation); // folders someone else made are not ours
        }
        return generations;
    }

    public async Task DeleteGenerationAsync(string owner, string generation, CancellationToken cancellationToken = default)
    {
        // The trailing '/' keeps generation "g1" from taking "g10" with it: recurse deletes by plain string prefix.
        var prefix = GenerationPrefix(owner, generation);
        var what = $"cannot delete the sync info generation '{prefix}'";
        using var response = await SendAsync(HttpMethod.Delete, Kv(prefix, "recurse"), content: null, what, cancellationToken);
        await EnsureTrueAsync(response, what, cancellationToken);
    }

    public async Task DeleteIndexAsync(string owner, CancellationToken cancellationToken = default)
    {
        var key = IndexKey(owner);
        var what = $"cannot delete the sync info index '{key}'";
        using var response = await SendAsync(HttpMethod.Delete, Kv(key), content: null, what, cancellationToken);
        await EnsureTrueAsync(response, what, cancellationToken);
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>Why <paramref name="prefix"/> cannot be a key prefix, or null: '/'-separated segments of letters, digits, '-', '_' and '.'.</summary>
    public static string? KeyPrefixProblem(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var segments = prefix.Split('/');
        if (prefix.Length == 0 || segments.Any(s => s.Length == 0 || s is "." or ".." || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            return $"consul key prefix '{prefix}' is not valid: use '/'-separated segments of letters, digits, '-', '_' and '.', without a leading or trailing '/'";
        return null;
    }

    private static string? AddressProblem(Uri address)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            return "consul address is not an absolute http or https URL";
        // Credentials in the URL would end up in every message that names the agent.
        if (address.UserInfo.Length > 0) return "consul address must not hold credentials; give the ACL token as the token";
        return null;
    }

    private string OwnerPrefix(string owner) => KeyPrefix + "/" + SyncInfoLayout.RequireValidName(owner, "owner") + "/";

    private string GenerationsPrefix(string owner) => OwnerPrefix(owner) + SyncInfoLayout.GenerationsFolder + "/";

    private string GenerationPrefix(string owner, string generation) =>
        GenerationsPrefix(owner) + SyncInfoLayout.RequireValidName(generation, "generation") + "/";

    // Keys hold only letters, digits, '-', '_', '.' and '/', so they go into the path as they are.
    private Uri Kv(string key, string? query = null) => new(_api, "kv/" + key + (query is null ? "" : "?" + query));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (_token is not null) request.Headers.TryAddWithoutValidation("X-Consul-Token", _token);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(what, $"timed out after {_http.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s talking to {Address}");
        }
        catch (HttpRequestException ex)
        {
            throw Failure(what, $"cannot reach {Address} ({NetworkCause.Of(ex)})");
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var text = await ErrorTextAsync(response, cancellationToken);
        var detail = text.Length == 0 ? $"{status}" : $"{status}: {text}";
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw Failure(what, AccessRefused(detail), accessDenied: true);
        throw Failure(what, response.StatusCode switch
        {
            HttpStatusCode.RequestEntityTooLarge => $"consul refused the value as too large ({detail}); consul's kv_max_value_size (512 KiB by default) limits a bucket",
            _ => $"consul at {Address} answered {detail}",
        });
    }

    // PUT and DELETE on /v1/kv answer the JSON literal true, or false when consul did not apply the write.
    private async Task EnsureTrueAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, what, cancellationToken);
        var answer = await ReadJsonAsync(response, what, cancellationToken);
        if (answer?.GetValueKind() != JsonValueKind.True) throw Failure(what, "consul did not apply the write (it answered false)");
    }

    private async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return "";
        }
        // One line, the token masked (an agent or proxy may echo the request), cut short.
        var line = string.Join(' ', _scrubber.Scrub(body).Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= MaxErrorTextLength ? line : line[..MaxErrorTextLength] + "...";
    }

    /// <summary>The <c>What</c> of each entry of a rolled-back transaction's <c>Errors</c>; empty when the answer has none.</summary>
    private async Task<IReadOnlyList<string>> TransactionErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var answer = JsonNode.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return answer?["Errors"] is JsonArray errors
                ? errors.Select(e => e?["What"] is JsonValue what && what.TryGetValue<string>(out var text) ? _scrubber.Scrub(text) : null).OfType<string>().ToList()
                : [];
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }

    private async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(response, what, cancellationToken);
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            throw Failure(what, "consul answered something that is not JSON");
        }
    }

    private async Task<byte[]> ReadBytesAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(what, $"timed out reading the answer of {Address}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Failure(what, $"the connection to {Address} broke ({NetworkCause.Of(ex)})");
        }
    }

    private static ulong? ModifyIndexOf(JsonObject entry) =>
        entry["ModifyIndex"] is JsonValue value && value.TryGetValue<ulong>(out var index) ? index : null;

    // Consul answers an empty value as null.
    private byte[] ValueOf(JsonObject entry, string what)
    {
        var value = entry["Value"];
        if (value is null) return [];
        if (value.GetValueKind() != JsonValueKind.String) throw Failure(what, "consul answered a value that is not base64 text");
        try
        {
            return Convert.FromBase64String(value.GetValue<string>());
        }
        catch (FormatException)
        {
            throw Failure(what, "consul answered a value that is not base64 text");
        }
    }


    private string AccessRefused(string detail) => $"access refused by consul at {Address} ({detail}); check the ACL token and its key policy for '{KeyPrefix}/'";

    private SyncInfoStoreException Failure(string what, string reason, bool accessDenied = false) => new($"{what}: {_scrubber.Scrub(reason)}", accessDenied);
}
