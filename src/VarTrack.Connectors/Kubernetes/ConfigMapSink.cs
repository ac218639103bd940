using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Kubernetes;

/// <summary>
/// Writes a destination as one ConfigMap (the destination is its name) in the sink's namespace: <c>data</c> holds
/// the flat keys as they are (null written as "" and listed in the owner's <see cref="Provenance.NullKeys"/>), the
/// annotation <c>vartrack.io/provenance</c> holds every owner's provenance record (owner -> record), and the labels
/// are the sink's labels plus <c>app.kubernetes.io/managed-by: vartrack</c>. Data and provenance live in one object,
/// so each apply is one request: a create when the ConfigMap is missing, otherwise a replace carrying the
/// <c>resourceVersion</c> read just before (a hand edit in between makes the API answer 409 and the sync fails).
/// Names, keys and the 1 MiB size limit are checked before anything is sent. Keys and labels of others, and
/// <c>binaryData</c>, are kept as they are. A ConfigMap VarTrack created that ends with no keys and no records is deleted.
/// </summary>
public sealed class ConfigMapSink : ISink, IAsyncDisposable
{
    public const string ProvenanceAnnotation = "vartrack.io/provenance";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "vartrack";

    /// <summary>The most a ConfigMap may hold (the API server refuses larger data; etcd refuses larger objects).</summary>
    public const int MaxObjectBytes = 1024 * 1024;

    /// <summary>The API server's limit on all annotations of an object together.</summary>
    public const int MaxAnnotationBytes = 256 * 1024;

    private static readonly JsonSerializerOptions SizeJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly IKubernetes _client;
    private readonly IReadOnlyDictionary<string, string> _labels;

    public ConfigMapSink(IKubernetes client, string @namespace, IReadOnlyDictionary<string, string>? labels = null)
    {
        _client = client;
        Namespace = @namespace;
        _labels = labels ?? new Dictionary<string, string>();
    }

    public string Namespace { get; }

    public async Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        var name = NameOf(target.Destination);
        var configMap = await GuardAsync(name, () => ReadConfigMapAsync(name, cancellationToken), cancellationToken);
        var owner = RecordsOf(configMap, name).GetValueOrDefault(target.Owner);
        var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
        foreach (var (key, stored) in configMap?.Data ?? new Dictionary<string, string>())
            values[key] = StoredText.Decode(key, stored ?? "", owner);
        return new Snapshot(values, owner);
    }

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var name = NameOf(target.Destination);
        CheckKeys(name, changes);
        await GuardAsync(name, async () =>
        {
            var current = await ReadConfigMapAsync(name, cancellationToken);
            if (current?.Immutable == true)
                throw new VarTrackException(new Problem($"{Where(name)} is immutable (immutable: true); VarTrack cannot change its data"));

            var records = RecordsOf(current, name);
            if (provenance is null) records.Remove(target.Owner);
            else records[target.Owner] = provenance;
            var data = new Dictionary<string, string>(current?.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (key, value) in changes.Upserts) data[key] = StoredText.Encode(value);
            foreach (var key in changes.Removals) data.Remove(key);

            if (data.Count == 0 && records.Count == 0)
            {
                if (current is not null && IsOnlyOurs(current)) await DeleteAsync(name, current, cancellationToken);
                else if (current is not null) await ReplaceAsync(name, Build(current, name, data, records), cancellationToken);
                return true;
            }
            var next = Build(current, name, data, records);
            CheckSize(name, next);
            if (current is null) await CreateAsync(name, next, cancellationToken);
            else await ReplaceAsync(name, next, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The ConfigMap name a destination maps to; refuses names the API server would.</summary>
    public static string NameOf(string destination) =>
        ConfigMapNames.SubdomainProblem(destination) is { } problem
            ? throw new VarTrackException(new Problem($"destination '{destination}' is not a valid ConfigMap name: {problem}"))
            : destination;

    private string Where(string name) => $"configmap '{Namespace}/{name}'";

    private void CheckKeys(string name, ChangeSet changes)
    {
        var invalid = changes.Upserts.Select(u => (u.Key, Problem: ConfigMapNames.KeyProblem(u.Key))).Where(k => k.Problem is not null)
            .OrderBy(k => k.Key, StringComparer.Ordinal).ToList();
        if (invalid.Count > 0)
            throw new VarTrackException(invalid.Select(k => new Problem($"{Where(name)}: key '{k.Key}' cannot be stored: {k.Problem}; nothing was written") { Key = k.Key }).ToList());
    }

    private void CheckSize(string name, V1ConfigMap configMap)
    {
        var annotations = configMap.Metadata.Annotations?.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value ?? "")) ?? 0;
        if (annotations > MaxAnnotationBytes)
            throw new VarTrackException(new Problem($"{Where(name)}: its annotations (mostly the {ProvenanceAnnotation} record) would be {annotations} bytes, over the {MaxAnnotationBytes} bytes Kubernetes allows; nothing was written"));
        var total = JsonSerializer.SerializeToUtf8Bytes(configMap, SizeJson).Length;
        if (total > MaxObjectBytes)
            throw new VarTrackException(new Problem($"{Where(name)} would be {total} bytes, over the 1 MiB ({MaxObjectBytes} bytes) a ConfigMap may hold; nothing was written"));
    }

    private Dictionary<string, Provenance> RecordsOf(V1ConfigMap? configMap, string name) =>
        configMap?.Metadata?.Annotations?.TryGetValue(ProvenanceAnnotation, out var json) == true && json is not null
            ? ProvenanceJson.ParseSet(Encoding.UTF8.GetBytes(json), $"{Where(name)} annotation {ProvenanceAnnotation}")
            : new Dictionary<string, Provenance>(StringComparer.Ordinal);

    /// <summary>VarTrack created it and nobody added anything VarTrack does not manage.</summary>
    private static bool IsOnlyOurs(V1ConfigMap configMap) =>
        configMap.Metadata.Labels?.TryGetValue(ManagedByLabel, out var manager) == true && manager == ManagedByValue
        && (configMap.BinaryData is null || configMap.BinaryData.Count == 0);

    private V1ConfigMap Build(V1ConfigMap? current, string name, Dictionary<string, string> data, Dictionary<string, Provenance> records)
    {
        var metadata = current?.Metadata ?? new V1ObjectMeta { Name = name, NamespaceProperty = Namespace };
        var labels = new Dictionary<string, string>(metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in _labels) labels[key] = value;
        labels[ManagedByLabel] = ManagedByValue;
        metadata.Labels = labels;
        var annotations = new Dictionary<string, string>(metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (records.Count == 0) annotations.Remove(ProvenanceAnnotation);
        else annotations[ProvenanceAnnotation] = Encoding.UTF8.GetString(ProvenanceJson.SerializeSet(records));
        metadata.Annotations = annotations.Count == 0 ? null : annotations;
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = metadata,
            Data = data,
            BinaryData = current?.BinaryData,
            Immutable = current?.Immutable,
        };
    }

    private async Task<V1ConfigMap?> ReadConfigMapAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CoreV1.ReadNamespacedConfigMapAsync(name, Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubernetesFailure.HasStatus(ex, HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    private async Task CreateAsync(string name, V1ConfigMap configMap, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CoreV1.CreateNamespacedConfigMapAsync(configMap, Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubernetesFailure.HasStatus(ex, HttpStatusCode.Conflict))
        {
            throw ChangedConcurrently(name, "someone created it between read and write");
        }
    }

    private async Task ReplaceAsync(string name, V1ConfigMap configMap, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, name, Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubernetesFailure.HasStatus(ex, HttpStatusCode.Conflict))
        {
            throw ChangedConcurrently(name, "its resourceVersion moved between read and write");
        }
        catch (Exception ex) when (KubernetesFailure.HasStatus(ex, HttpStatusCode.NotFound))
        {
            throw ChangedConcurrently(name, "someone deleted it between read and write");
        }
    }

    private async Task DeleteAsync(string name, V1ConfigMap current, CancellationToken cancellationToken)
    {
        var options = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = current.Metadata.ResourceVersion, Uid = current.Metadata.Uid } };
        try
        {
            await _client.CoreV1.DeleteNamespacedConfigMapAsync(name, Namespace, options, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubernetesFailure.HasStatus(ex, HttpStatusCode.NotFound))
        {
            // Already gone: the state we wanted.
        }
        catch (Exception ex) when (KubernetesFailure.HasStatus(ex, HttpStatusCode.Conflict))
        {
            throw ChangedConcurrently(name, "its resourceVersion moved between read and delete");
        }
    }

    // Data and provenance travel in one request, so a refused write wrote nothing.
    private DestinationChangedException ChangedConcurrently(string name, string how) => new($"{Where(name)} changed concurrently ({how}); sync again");

    private async Task<T> GuardAsync<T>(string name, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not VarTrackException && KubernetesFailure.IsApiFailure(ex, cancellationToken))
        {
            throw KubernetesFailure.Describe(Where(name), _client.BaseUri, ex);
        }
    }
}
