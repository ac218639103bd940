using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// A small client for Vault's HTTP API: AppRole or token authentication and the KV version 2 secrets engine.
/// Thread-safe; one instance per Vault cluster is meant to be shared. Every failure is a <see cref="VaultException"/>
/// whose message names the API path and status and never holds a secret value, a token or a request body.
/// </summary>
public sealed class VaultClient : IDisposable
{
    private const string TokenHeader = "X-Vault-Token";
    private const string NamespaceHeader = "X-Vault-Namespace";
    private const string RequestHeader = "X-Vault-Request";
    private const string CasMismatchText = "check-and-set parameter did not match the current version";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly VaultOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Uri _apiRoot;
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private volatile LoginToken? _login;

    /// <param name="options">Where the cluster is and how to authenticate.</param>
    /// <param name="handler">
    /// For tests: the handler to send through (not disposed by the client). When null the client builds its own
    /// handler with the TLS settings of <paramref name="options"/>.
    /// </param>
    /// <param name="timeProvider">For tests: the clock that decides when an AppRole token is due for a new login.</param>
    public VaultClient(VaultOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Address, nameof(options.Address));
        ArgumentNullException.ThrowIfNull(options.Auth, nameof(options.Auth));
        if (!options.Address.IsAbsoluteUri || options.Address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"vault address '{options.Address}' must be an absolute http or https address", nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("vault timeout must be positive", nameof(options));
        }

        if (options.Auth is AppRoleAuth appRole)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(appRole.RoleId, nameof(AppRoleAuth.RoleId));
            ArgumentNullException.ThrowIfNull(appRole.SecretId, nameof(AppRoleAuth.SecretId));
            VaultPath.Segments(appRole.Mount, nameof(AppRoleAuth.Mount));
        }
        else if (options.Auth is TokenAuth tokenAuth)
        {
            ArgumentNullException.ThrowIfNull(tokenAuth.Token, nameof(TokenAuth.Token));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        // Scheme, host, port and path prefix only: user info in the address must not reach any message.
        Address = $"{options.Address.Scheme}://{options.Address.Authority}{options.Address.AbsolutePath.TrimEnd('/')}";
        _apiRoot = new Uri(Address + "/v1/");
        _http = handler is null
            ? new HttpClient(VaultTls.CreateHandler(options), disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = options.Timeout;
    }

    /// <summary>The cluster address as it appears in messages, e.g. <c>https://vault.example.com:8200</c>.</summary>
    public string Address { get; }

    /// <summary>
    /// Reads a version of the secret (the latest when <paramref name="version"/> is null). Returns null when Vault
    /// answers 404: the secret does not exist, the version does not exist, or the version is soft-deleted or
    /// destroyed (Vault gives 404 for all of these; <see cref="ReadMetadataAsync"/> tells them apart). A 404 with an
    /// error, such as an unknown mount, throws.
    /// </summary>
    public async Task<KvSecret?> ReadSecretAsync(string mount, string path, int? version = null, CancellationToken cancellationToken = default)
    {
        if (version is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "secret versions start at 1");
        }

        var apiPath = KvPath(mount, "data", path);
        var query = version is { } number ? "?version=" + number.ToString(CultureInfo.InvariantCulture) : "";
        using var response = await SendAsync(HttpMethod.Get, apiPath, query, body: null, [], cancellationToken).ConfigureAwait(false);
        if (IsNothingHere(response))
        {
            return null;
        }

        EnsureSuccess(response, apiPath, []);
        var data = VaultJson.Object(response.Root, "data", apiPath);
        var metadata = VaultJson.Object(data, "metadata", apiPath);
        var values = data.TryGetProperty("data", out var secretData) ? secretData : default;
        return new KvSecret(
            VaultJson.SecretData(values),
            VaultJson.VersionMetadata(metadata, VaultJson.Int(metadata, "version", apiPath), apiPath));
    }

    /// <summary>
    /// Writes a new version of the secret. With <paramref name="cas"/> the write only happens when the current
    /// version is <paramref name="cas"/> (0: the secret must not exist yet); otherwise
    /// <see cref="VaultCasMismatchException"/> is thrown.
    /// </summary>
    public async Task<KvVersionMetadata> WriteSecretAsync(
        string mount,
        string path,
        IReadOnlyDictionary<string, SecretValue> data,
        int? cas = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (cas is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cas), cas, "check-and-set version must be 0 or more");
        }

        var apiPath = KvPath(mount, "data", path);
        var sensitive = new List<string>(data.Count);
        var body = Json(writer =>
        {
            writer.WriteStartObject();
            if (cas is { } expected)
            {
                writer.WriteStartObject("options");
                writer.WriteNumber("cas", expected);
                writer.WriteEndObject();
            }

            // Written by hand: SecretValue serialises as *** on purpose, so JsonSerializer would store the mask.
            writer.WriteStartObject("data");
            foreach (var (key, value) in data)
            {
                if (value is null)
                {
                    throw new ArgumentException($"secret value for key '{key}' is null", nameof(data));
                }

                var text = value.Reveal();
                sensitive.Add(text);
                writer.WriteString(key, text);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });

        using var response = await SendAsync(HttpMethod.Post, apiPath, "", body, sensitive, cancellationToken).ConfigureAwait(false);
        if (cas is { } sent
            && response.Status == HttpStatusCode.BadRequest
            && VaultErrorText.FromBody(response.Body, []).Contains(CasMismatchText, StringComparison.OrdinalIgnoreCase))
        {
            throw new VaultCasMismatchException(
                apiPath.Text,
                sent,
                $"vault returned 400 for {apiPath.Text}: {CasMismatchText} (cas {sent.ToString(CultureInfo.InvariantCulture)})");
        }

        EnsureSuccess(response, apiPath, sensitive);
        var metadata = VaultJson.Object(response.Root, "data", apiPath);
        return VaultJson.VersionMetadata(metadata, VaultJson.Int(metadata, "version", apiPath), apiPath);
    }

    /// <summary>
    /// Lists the keys directly under <paramref name="path"/> ("" for the mount's root). Folders end with <c>/</c>.
    /// A path with nothing under it gives an empty list (Vault answers 404).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(string mount, string path, CancellationToken cancellationToken = default)
    {
        var apiPath = KvPath(mount, "metadata", path, allowEmptyPath: true);
        // GET ?list=true instead of the LIST verb, as Vault's own Go client does: proxies and firewalls that refuse
        // unknown methods let it through. The trailing slash asks for the folder's content.
        using var response = await SendAsync(HttpMethod.Get, apiPath, "/?list=true", body: null, [], cancellationToken).ConfigureAwait(false);
        if (IsNothingHere(response))
        {
            return [];
        }

        EnsureSuccess(response, apiPath, []);
        var data = VaultJson.Object(response.Root, "data", apiPath);
        if (!data.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return keys.EnumerateArray()
            .Where(key => key.ValueKind == JsonValueKind.String)
            .Select(key => key.GetString()!)
            .ToList();
    }

    /// <summary>Reads the key's metadata and the state of all its versions; null when the key does not exist.</summary>
    public async Task<KvMetadata?> ReadMetadataAsync(string mount, string path, CancellationToken cancellationToken = default)
    {
        var apiPath = KvPath(mount, "metadata", path);
        using var response = await SendAsync(HttpMethod.Get, apiPath, "", body: null, [], cancellationToken).ConfigureAwait(false);
        if (IsNothingHere(response))
        {
            return null;
        }

        EnsureSuccess(response, apiPath, []);
        var data = VaultJson.Object(response.Root, "data", apiPath);
        var versions = new SortedDictionary<int, KvVersionMetadata>();
        if (data.TryGetProperty("versions", out var versionMap) && versionMap.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in versionMap.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || entry.Value.ValueKind != JsonValueKind.Object)
                {
                    throw VaultJson.Unexpected(apiPath, $"version entry '{entry.Name}' is not a numbered object");
                }

                versions[number] = VaultJson.VersionMetadata(entry.Value, number, apiPath);
            }
        }

        return new KvMetadata
        {
            CurrentVersion = VaultJson.Int(data, "current_version", apiPath),
            OldestVersion = VaultJson.Int(data, "oldest_version", apiPath, fallback: 0),
            CreatedTime = VaultJson.Time(data, "created_time", apiPath) ?? DateTimeOffset.MinValue,
            UpdatedTime = VaultJson.Time(data, "updated_time", apiPath) ?? DateTimeOffset.MinValue,
            MaxVersions = VaultJson.Int(data, "max_versions", apiPath, fallback: 0),
            CasRequired = VaultJson.Bool(data, "cas_required"),
            DeleteVersionAfter = VaultJson.String(data, "delete_version_after", "0s"),
            Versions = versions,
            CustomMetadata = VaultJson.StringMap(data, "custom_metadata"),
        };
    }

    /// <summary>
    /// Creates or updates the key's settings without writing a version. Null arguments leave the setting as it is;
    /// <paramref name="customMetadata"/>, when given, replaces the whole custom metadata map.
    /// </summary>
    public async Task WriteMetadataAsync(
        string mount,
        string path,
        int? maxVersions = null,
        bool? casRequired = null,
        IReadOnlyDictionary<string, string>? customMetadata = null,
        CancellationToken cancellationToken = default)
    {
        if (maxVersions is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxVersions), maxVersions, "max versions must be 0 or more");
        }

        var apiPath = KvPath(mount, "metadata", path);
        var body = Json(writer =>
        {
            writer.WriteStartObject();
            if (maxVersions is { } max)
            {
                writer.WriteNumber("max_versions", max);
            }

            if (casRequired is { } required)
            {
                writer.WriteBoolean("cas_required", required);
            }

            if (customMetadata is not null)
            {
                writer.WriteStartObject("custom_metadata");
                foreach (var (key, value) in customMetadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
        await SendExpectingSuccessAsync(HttpMethod.Post, apiPath, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Soft-deletes the latest version (<c>DELETE data/</c>); it can be undeleted. No error if the key is missing.</summary>
    public Task DeleteLatestAsync(string mount, string path, CancellationToken cancellationToken = default) =>
        SendExpectingSuccessAsync(HttpMethod.Delete, KvPath(mount, "data", path), body: null, cancellationToken);

    /// <summary>Soft-deletes the given versions (<c>POST delete/</c>); they can be undeleted.</summary>
    public Task DeleteVersionsAsync(string mount, string path, IEnumerable<int> versions, CancellationToken cancellationToken = default) =>
        SendExpectingSuccessAsync(HttpMethod.Post, KvPath(mount, "delete", path), VersionsBody(versions), cancellationToken);

    /// <summary>Restores soft-deleted versions (<c>POST undelete/</c>). Destroyed versions stay destroyed.</summary>
    public Task UndeleteVersionsAsync(string mount, string path, IEnumerable<int> versions, CancellationToken cancellationToken = default) =>
        SendExpectingSuccessAsync(HttpMethod.Post, KvPath(mount, "undelete", path), VersionsBody(versions), cancellationToken);

    /// <summary>Permanently removes the data of the given versions (<c>PUT destroy/</c>); their metadata stays.</summary>
    public Task DestroyVersionsAsync(string mount, string path, IEnumerable<int> versions, CancellationToken cancellationToken = default) =>
        SendExpectingSuccessAsync(HttpMethod.Put, KvPath(mount, "destroy", path), VersionsBody(versions), cancellationToken);

    /// <summary>Permanently removes the key: all versions and the metadata (<c>DELETE metadata/</c>). No error if missing.</summary>
    public Task DeleteMetadataAsync(string mount, string path, CancellationToken cancellationToken = default) =>
        SendExpectingSuccessAsync(HttpMethod.Delete, KvPath(mount, "metadata", path), body: null, cancellationToken);

    /// <summary>
    /// The capabilities of the client's own token on each API path (<c>POST sys/capabilities-self</c>), e.g.
    /// <c>secret/data/app</c> -> <c>["create", "read", "update"]</c>; <c>root</c> means every capability and
    /// <c>deny</c> none. Vault answers one key per path (older versions only <c>capabilities</c> for a single path);
    /// newer versions repeat the answer under <c>data</c>. Each is read.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CapabilitiesAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("give at least one path", nameof(paths));
        }

        var apiPath = VaultPath.Of(["sys", "capabilities-self"]);
        var body = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("paths");
            foreach (var path in paths)
            {
                writer.WriteStringValue(path);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        using var response = await SendAsync(HttpMethod.Post, apiPath, "", body, [], cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, apiPath, []);
        var root = response.Root;
        var data = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : default;
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var list = Capabilities(root, path) ?? Capabilities(data, path)
                ?? (paths.Count == 1 ? Capabilities(root, "capabilities") ?? Capabilities(data, "capabilities") : null)
                ?? throw VaultJson.Unexpected(apiPath, $"no capabilities for '{path}'");
            result[path] = list;
        }

        return result;

        static IReadOnlyList<string>? Capabilities(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()!).ToList()
                : null;
    }

    public void Dispose()
    {
        _http.Dispose();
        _loginGate.Dispose();
    }

    private static VaultPath KvPath(string mount, string operation, string path, bool allowEmptyPath = false) =>
        VaultPath.Of(VaultPath.Segments(mount, nameof(mount)), [operation], VaultPath.Segments(path, nameof(path), allowEmptyPath));

    /// <summary>
    /// Vault says "nothing here" with 404 and an empty error list (or, for a deleted version, that version's metadata).
    /// A 404 that names an error, such as "no handler for route" for a mount that does not exist, is a real failure.
    /// </summary>
    private static bool IsNothingHere(VaultResponse response) =>
        response.Status == HttpStatusCode.NotFound && VaultErrorText.FromBody(response.Body, []).Length == 0;

    private static byte[] VersionsBody(IEnumerable<int> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var list = versions.ToList();
        if (list.Count == 0 || list.Any(version => version <= 0))
        {
            throw new ArgumentException("give at least one version, each 1 or more", nameof(versions));
        }

        return Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("versions");
            foreach (var version in list)
            {
                writer.WriteNumberValue(version);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task SendExpectingSuccessAsync(HttpMethod method, VaultPath apiPath, byte[]? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, apiPath, "", body, [], cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, apiPath, []);
    }

    /// <summary>Sends with the current token; with AppRole, a 403 leads to one fresh login and one retry.</summary>
    private async Task<VaultResponse> SendAsync(
        HttpMethod method,
        VaultPath apiPath,
        string query,
        byte[]? body,
        IReadOnlyCollection<string> sensitive,
        CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(method, apiPath, query, body, token, sensitive, cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Forbidden || _options.Auth is not AppRoleAuth)
        {
            return response;
        }

        // The token may have been revoked or may have expired early; one new login tells that apart from a policy
        // that really denies the path (which then fails again with 403).
        response.Dispose();
        token = await GetTokenAsync(rejected: token, cancellationToken).ConfigureAwait(false);
        return await SendOnceAsync(method, apiPath, query, body, token, sensitive, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VaultResponse> SendOnceAsync(
        HttpMethod method,
        VaultPath apiPath,
        string query,
        byte[]? body,
        SecretValue? token,
        IReadOnlyCollection<string> sensitive,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_apiRoot, apiPath.Escaped + query));
        request.Headers.TryAddWithoutValidation(RequestHeader, "true");
        if (!string.IsNullOrEmpty(_options.Namespace))
        {
            request.Headers.TryAddWithoutValidation(NamespaceHeader, _options.Namespace);
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, token.Reveal());
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonMediaType;
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return VaultResponse.Read(response.StatusCode, bytes);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VaultException(
                null,
                apiPath.Text,
                $"vault at {Address} did not answer {apiPath.Text} within {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s",
                e);
        }
        catch (HttpRequestException e)
        {
            var reason = VaultErrorText.Clean(Reason(e), Sensitive(sensitive, token));
            throw new VaultException(null, apiPath.Text, $"vault at {Address} is unreachable for {apiPath.Text}: {reason}", e);
        }
    }

    private void EnsureSuccess(VaultResponse response, VaultPath apiPath, IReadOnlyCollection<string> sensitive)
    {
        if (response.IsSuccess)
        {
            return;
        }

        var status = (int)response.Status;
        var errors = VaultErrorText.FromBody(response.Body, Sensitive(sensitive, _login?.Token));
        var message = errors.Length == 0
            ? $"vault returned {status} for {apiPath.Text}"
            : $"vault returned {status} for {apiPath.Text}: {errors}";
        throw new VaultException(response.Status, apiPath.Text, message);
    }

    /// <summary>Everything that must never show in a message: what was just sent, the tokens and the AppRole secret id.</summary>
    private IEnumerable<string> Sensitive(IReadOnlyCollection<string> sent, SecretValue? token)
    {
        foreach (var value in sent)
        {
            yield return value;
        }

        if (token is not null)
        {
            yield return token.Reveal();
        }

        switch (_options.Auth)
        {
            case TokenAuth fixedToken:
                yield return fixedToken.Token.Reveal();
                break;
            case AppRoleAuth appRole:
                yield return appRole.SecretId.Reveal();
                break;
        }
    }

    private static string Reason(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var text = current.Message.Replace(", see inner exception", "", StringComparison.OrdinalIgnoreCase).Trim().TrimEnd('.');
            if (text.Length > 0 && !parts.Contains(text))
            {
                parts.Add(text);
            }
        }

        return string.Join(": ", parts);
    }

    private async Task<SecretValue?> GetTokenAsync(SecretValue? rejected, CancellationToken cancellationToken)
    {
        switch (_options.Auth)
        {
            case TokenAuth fixedToken:
                return fixedToken.Token;
            case AppRoleAuth appRole:
                if (IsUsable(_login, rejected, out var cached))
                {
                    return cached;
                }

                await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    // Another caller may have logged in while this one waited.
                    if (IsUsable(_login, rejected, out cached))
                    {
                        return cached;
                    }

                    var fresh = await LoginAsync(appRole, cancellationToken).ConfigureAwait(false);
                    _login = fresh;
                    return fresh.Token;
                }
                finally
                {
                    _loginGate.Release();
                }

            default:
                throw new NotSupportedException($"vault authentication {_options.Auth.GetType().Name} is not supported");
        }
    }

    private bool IsUsable(LoginToken? login, SecretValue? rejected, out SecretValue token)
    {
        token = login?.Token!;
        return login is not null
            && !login.Token.Equals(rejected)
            && (login.RenewAt is not { } renewAt || _time.GetUtcNow() < renewAt);
    }

    private async Task<LoginToken> LoginAsync(AppRoleAuth appRole, CancellationToken cancellationToken)
    {
        var apiPath = VaultPath.Of(["auth"], VaultPath.Segments(appRole.Mount, nameof(appRole.Mount)), ["login"]);
        string[] sensitive = [appRole.SecretId.Reveal()];
        var body = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("role_id", appRole.RoleId);
            writer.WriteString("secret_id", appRole.SecretId.Reveal());
            writer.WriteEndObject();
        });

        var requestedAt = _time.GetUtcNow();
        using var response = await SendOnceAsync(HttpMethod.Post, apiPath, "", body, token: null, sensitive, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, apiPath, sensitive);
        var auth = VaultJson.Object(response.Root, "auth", apiPath);
        var token = VaultJson.String(auth, "client_token");
        if (token.Length == 0)
        {
            throw VaultJson.Unexpected(apiPath, "the login answer holds no client_token");
        }

        var lease = VaultJson.Int(auth, "lease_duration", apiPath, fallback: 0);
        // Log in again once two thirds of the lease have passed (as Vault Agent renews), so that no request races the
        // expiry. A lease of 0 means the token does not expire.
        DateTimeOffset? renewAt = lease > 0 ? requestedAt + TimeSpan.FromSeconds(lease * 2.0 / 3.0) : null;
        return new LoginToken(new SecretValue(token), renewAt);
    }

    private sealed record LoginToken(SecretValue Token, DateTimeOffset? RenewAt);
}
