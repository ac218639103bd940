using VarTrack.Core.Errors;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Secrets;

/// <summary>
/// Step 7, at write time: values <c>@secret(mount/path#key)</c> become the secret's field and <c>@secret(mount/path)</c>
/// becomes one sub-key per field (<c>db</c> -> <c>db.user</c>, <c>db.password</c>). Each secret is read once per call.
/// A reference that cannot be resolved fails the whole map (the placeholder is never written); every problem is
/// reported at once, naming the key and reference, never a value.
/// </summary>
public static class SecretResolver
{
    /// <summary>The keys whose values are secret references (for renderings that do not resolve them).</summary>
    public static IReadOnlyList<string> KeysWithReferences(FlatMap map) =>
        map.Where(e => SecretReference.LooksLikeReference(e.Value.PlainText)).Select(e => e.Key).ToList();

    public static async Task<FlatMap> ResolveAsync(FlatMap map, ISecretStore? store, string separator, string file, string? rule = null, CancellationToken cancellationToken = default)
    {
        var problems = new List<Problem>();
        var references = new Dictionary<string, SecretReference>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            if (!SecretReference.LooksLikeReference(value.PlainText)) continue;
            if (SecretReference.TryParse(value.PlainText!, out var reference, out var error)) references[key] = reference!;
            else problems.Add(Problem(file, rule, key, map, error!));
        }
        if (references.Count == 0 && problems.Count == 0) return map;
        if (store is null)
        {
            foreach (var (key, reference) in references)
                problems.Add(Problem(file, rule, key, map, $"references {reference} but no vault is configured (add 'vault' to vartrack.yaml)"));
            throw new VarTrackException(problems);
        }

        var secrets = new Dictionary<string, IReadOnlyDictionary<string, SecretValue>?>(StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        using var limit = new SemaphoreSlim(8);
        await Task.WhenAll(references.Values.Select(r => r.Path).Distinct(StringComparer.Ordinal).Select(async path =>
        {
            await limit.WaitAsync(cancellationToken);
            try
            {
                var data = await store.ReadAsync(path, cancellationToken);
                lock (secrets) secrets[path] = data;
            }
            catch (SecretStoreException ex)
            {
                lock (secrets) failures[path] = ex.Message;
            }
            finally
            {
                limit.Release();
            }
        }));

        var result = new FlatMap(map.Count);
        foreach (var (key, value) in map)
        {
            if (!references.TryGetValue(key, out var reference))
            {
                if (!result.TryAdd(key, value, map.OriginOf(key)))
                    problems.Add(Problem(file, rule, key, map, "is defined by the document and also by a whole-secret reference"));
                continue;
            }
            if (failures.TryGetValue(reference.Path, out var failure))
            {
                problems.Add(Problem(file, rule, key, map, $"cannot resolve {reference}: {failure}"));
                continue;
            }
            var data = secrets[reference.Path]!;
            if (!reference.IsWholeSecret)
            {
                if (data.TryGetValue(reference.Key!, out var secret)) result.Add(key, FlatValue.Secret(secret), map.OriginOf(key));
                else problems.Add(Problem(file, rule, key, map, $"cannot resolve {reference}: the secret has no key '{reference.Key}'"));
                continue;
            }
            foreach (var (field, secret) in data.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var subKey = key + separator + field;
                if (map.ContainsKey(subKey) || !result.TryAdd(subKey, FlatValue.Secret(secret), map.OriginOf(key)))
                    problems.Add(Problem(file, rule, subKey, map, $"is defined by the document and also by {reference}"));
            }
        }
        if (problems.Count > 0) throw new VarTrackException(problems);
        return result;
    }

    private static Problem Problem(string file, string? rule, string key, FlatMap map, string message) =>
        new(message) { File = file, Position = map.OriginOf(key), Rule = rule, Key = key };
}
