using System.Text.Json;
using VarTrack.Connectors.Tests.Vault;
using VarTrack.Connectors.Tests.Workflows;
using VarTrack.Connectors.Vault;
using VarTrack.Core.Config;
using VarTrack.Core.Replication;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// A replication set-up as a host builds it, in one process: an origin and one fake Vault per destination on loopback,
/// vartrack.yaml parsed by the real loader (tokens and addresses through ${ENV} references), the real activities, sync
/// info in a <see cref="StateSyncInfoStore"/> over memory (<see cref="FaultyStateStore"/>), and the workflow run through <see cref="RecordingSteps"/>
/// so every activity input and result crosses JSON as in Durable and is kept for leak checks.
/// </summary>
public sealed class ReplicationRig : IAsyncDisposable
{
    private readonly Dictionary<string, VaultClient> _clients = new(StringComparer.Ordinal);
    private int _cycles;

    private ReplicationRig(FakeVaultServer origin, Dictionary<string, FakeVaultServer> destinations)
    {
        Origin = origin;
        Destinations = destinations;
    }

    public FakeVaultServer Origin { get; }

    public IReadOnlyDictionary<string, FakeVaultServer> Destinations { get; }

    /// <summary>What ${NAME} references resolve to: <c>ORIGIN_ADDR</c>, <c>ORIGIN_TOKEN</c>, <c>&lt;NAME&gt;_ADDR</c>, <c>&lt;NAME&gt;_TOKEN</c>.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The state the activities use (memory; faults can be injected).</summary>
    public FaultyStateStore State { get; } = new();

    /// <summary>The sync info store the activities use (a <see cref="StateSyncInfoStore"/> over <see cref="State"/> unless replaced by <see cref="UseStore"/>).</summary>
    public ISyncInfoStore Store { get; private set; } = null!;

    public ReplicationStatusStore Status { get; private set; } = null!;

    public ReplicationSettings Settings { get; private set; } = null!;

    public VaultReplicaVaults Vaults { get; private set; } = null!;

    public ListLogger<ReplicationActivities> Logs { get; } = new();

    /// <summary>The clock of the activities and the workflow (the system clock, shiftable to age generations).</summary>
    public ShiftedClock Clock { get; } = new();

    public ActivityTable Table { get; private set; } = new();

    public RecordingSteps Steps { get; private set; } = null!;

    /// <summary>Every cycle result so far, as JSON (what a host would store or print).</summary>
    public List<string> Results { get; } = [];

    /// <summary>
    /// Starts the servers and loads the config: <paramref name="destinations"/> is the YAML list under
    /// <c>destinations:</c> (indented by 4), <paramref name="settings"/> extra keys of <c>replication:</c> (indented by 2).
    /// </summary>
    public static async Task<ReplicationRig> StartAsync(string destinations, string settings = "", string originMounts = "[secret]", params string[] destinationNames)
    {
        var names = destinationNames.Length == 0 ? ["eu"] : destinationNames;
        var origin = await FakeVaultServer.StartAsync();
        var servers = new Dictionary<string, FakeVaultServer>(StringComparer.Ordinal);
        foreach (var name in names) servers[name] = await FakeVaultServer.StartAsync();
        var rig = new ReplicationRig(origin, servers);
        rig.Environment["ORIGIN_ADDR"] = origin.Address.ToString();
        rig.Environment["ORIGIN_TOKEN"] = origin.RootToken;
        foreach (var (name, server) in servers)
        {
            rig.Environment[$"{name.ToUpperInvariant()}_ADDR"] = server.Address.ToString();
            rig.Environment[$"{name.ToUpperInvariant()}_TOKEN"] = server.RootToken;
        }
        rig.Load($$"""
            version: 1
            replication:
            {{settings}}
              origin:
                name: primary
                vault: { address: "${ORIGIN_ADDR}", auth: { method: token, token: "${ORIGIN_TOKEN}" } }
                mounts: {{originMounts}}
              destinations:
            {{destinations}}
            """);
        return rig;
    }

    /// <summary>A destination entry with the usual vault lines, for <see cref="StartAsync"/>; <paramref name="extra"/> is YAML at column 0.</summary>
    public static string Destination(string name, string extra = "delete_mode: soft") =>
        $"    - name: {name}\n      vault: {{ address: \"${{{name.ToUpperInvariant()}_ADDR}}\", auth: {{ method: token, token: \"${{{name.ToUpperInvariant()}_TOKEN}}\" }} }}\n" +
        string.Join("", extra.Split('\n').Select(line => $"      {line}\n"));

    private void Load(string yaml)
    {
        var config = VarTrackConfigLoader.Parse(yaml, "vartrack.yaml", Path.GetTempPath());
        Settings = config.Replication ?? throw new InvalidOperationException("no replication section");
        Store = new StateSyncInfoStore(State);
        Status = new ReplicationStatusStore(State);
        Vaults = VaultReplicaVaults.Create(Settings, Path.GetTempPath(), new SettingResolver(name => Environment.GetValueOrDefault(name)));
        new ReplicationActivities(Settings, Vaults, Store, State, Status, Clock, Logs).AddTo(Table);
        Steps = StepsFor(CancellationToken.None);
    }

    /// <summary>Runs the activities over another sync info store from now on (a faulty wrapper, or real Blob storage).</summary>
    public void UseStore(ISyncInfoStore store)
    {
        Store = store;
        Table = new ActivityTable();
        new ReplicationActivities(Settings, Vaults, Store, State, Status, Clock, Logs).AddTo(Table);
        Steps = StepsFor(CancellationToken.None);
    }

    /// <summary>Steps of an in-process host whose shutdown token is <paramref name="host"/>.</summary>
    public RecordingSteps StepsFor(CancellationToken host) =>
        new(new InProcessWorkflowSteps(Table, new InProcessDestinationLocks(), Clock, host));

    public async Task<ReplicationCycleResult> RunAsync(ReplicationCycleRequest? request = null, RecordingSteps? steps = null)
    {
        var result = await ReplicationWorkflow.RunAsync(steps ?? Steps, request ?? new ReplicationCycleRequest($"cycle-{Interlocked.Increment(ref _cycles)}"));
        lock (Results) Results.Add(JsonSerializer.Serialize(result, StateJson.Options));
        return result;
    }

    /// <summary>A client with the server's root token, to set up and inspect a cluster.</summary>
    public VaultClient Client(string cluster)
    {
        if (_clients.TryGetValue(cluster, out var client)) return client;
        var server = cluster == "origin" ? Origin : Destinations[cluster];
        client = new VaultClient(new VaultOptions { Address = server.Address, Auth = new TokenAuth(new SecretValue(server.RootToken)) });
        _clients[cluster] = client;
        return client;
    }

    public Task WriteAsync(string cluster, string fullPath, params (string Key, string Value)[] data)
    {
        var (mount, path) = Split(fullPath);
        return Client(cluster).WriteSecretAsync(mount, path, data.ToDictionary(d => d.Key, d => new SecretValue(d.Value)));
    }

    /// <summary>The latest readable version's data, revealed; null when there is none.</summary>
    public async Task<Dictionary<string, string>?> ReadAsync(string cluster, string fullPath)
    {
        var (mount, path) = Split(fullPath);
        var secret = await Client(cluster).ReadSecretAsync(mount, path);
        return secret?.Data.ToDictionary(d => d.Key, d => d.Value.Reveal());
    }

    public async Task<KvMetadata?> MetadataAsync(string cluster, string fullPath)
    {
        var (mount, path) = Split(fullPath);
        return await Client(cluster).ReadMetadataAsync(mount, path);
    }

    public async Task<string?> IndexTagAsync(string owner) => (await Store.ReadIndexAsync(owner))?.Tag;

    public async Task<SyncIndex?> IndexAsync(string owner) =>
        await Store.ReadIndexAsync(owner) is { } document ? SyncInfoJson.ParseIndex(document.Data, owner) : null;

    /// <summary>
    /// No secret value and no token anywhere a workflow host or an operator could see it: activity inputs and
    /// results (workflow history), logs, cycle results, and every document in the state store (status, sync info).
    /// </summary>
    public async Task AssertNoLeaksAsync(params string[] secrets)
    {
        var tokens = new List<string> { Origin.RootToken };
        tokens.AddRange(Destinations.Values.Select(d => d.RootToken));
        tokens.AddRange(Environment.Where(e => e.Key.EndsWith("_TOKEN", StringComparison.Ordinal)).Select(e => e.Value));
        var documents = new List<string>();
        foreach (var root in new[] { "vault-sync", "vault-cycles", "vault-replication-work" })
        foreach (var key in await State.ListAsync(root))
            documents.Add(System.Text.Encoding.UTF8.GetString((await State.ReadAsync(key))!));
        var places = new Dictionary<string, IEnumerable<string>>
        {
            ["workflow history"] = Steps.History,
            ["logs"] = Logs.Lines,
            ["cycle results"] = Results,
            ["state store"] = documents,
        };
        foreach (var (place, texts) in places)
        foreach (var text in texts)
        foreach (var secret in secrets.Concat(tokens))
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' leaked into {place}: {text}");
    }

    public static (string Mount, string Path) Split(string fullPath)
    {
        var slash = fullPath.IndexOf('/');
        return (fullPath[..slash], fullPath[(slash + 1)..]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values) client.Dispose();
        Vaults?.Dispose();
        await Origin.DisposeAsync();
        foreach (var server in Destinations.Values) await server.DisposeAsync();
    }
}
