using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.AzureStorage;

/// <summary>
/// <see cref="BlobLeaseDestinationLocks"/> against the real Azurite; two lock instances stand for two processes. The
/// slow tests that wait for a lease to expire are in <see cref="BlobLeaseExpiryTests"/>.
/// </summary>
public sealed class BlobLeaseDestinationLocksTests(AzuriteContainer container) : IClassFixture<AzuriteContainer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private BlobLeaseDestinationLocks Locks(BlobLeaseOptions? options = null, ILogger<BlobLeaseDestinationLocks>? logger = null)
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        return new BlobLeaseDestinationLocks(container.Container, options ?? new BlobLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(15) }, logger);
    }

    private static string NewKey() => $"redis/cache:app/{Guid.NewGuid():N}";

    private async Task<LeaseState> LeaseStateOf(string key) =>
        (await container.Container.GetBlobClient(BlobLeaseDestinationLocks.BlobNameFor(key)).GetPropertiesAsync()).Value.LeaseState;

    [Fact]
    public async Task A_second_holder_waits_until_the_first_releases()
    {
        var key = NewKey();
        var first = await Locks().AcquireAsync(key).WaitAsync(Bound);

        var second = Locks().AcquireAsync(key);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(second.IsCompleted, "the second holder got the lock while the first held it");

        await first.DisposeAsync();
        var held = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LeaseState.Leased, await LeaseStateOf(key));
        await held.DisposeAsync();
    }

    [Fact]
    public async Task Different_keys_do_not_block_each_other()
    {
        var locks = Locks();
        await using var first = await locks.AcquireAsync(NewKey()).WaitAsync(Bound);
        // The first is held until the end of the test: were the keys to block each other, this would never return
        // (Bound fails it). No time bound of its own: Azurite on a loaded machine is slow at times.
        await using var second = await Locks().AcquireAsync(NewKey()).WaitAsync(Bound);
    }

    [Fact]
    public async Task Cancelling_while_waiting_gives_up_and_leaves_the_holder_alone()
    {
        var key = NewKey();
        await using var holder = await Locks().AcquireAsync(key).WaitAsync(Bound);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Locks().AcquireAsync(key, cancel.Token).WaitAsync(Bound));

        // The holder keeps its lease until the end of the test: an ignored cancellation would wait until Bound.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"cancellation took {stopwatch.Elapsed}");
        Assert.Equal(LeaseState.Leased, await LeaseStateOf(key));
    }

    [Fact]
    public async Task Disposing_releases_the_lease_at_once_and_the_lock_blob_names_its_key()
    {
        var key = "zookeeper/ключ/" + Guid.NewGuid().ToString("N");
        var lease = await Locks().AcquireLeaseAsync(key).WaitAsync(Bound);
        var blobName = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.Equal(blobName, BlobLeaseDestinationLocks.BlobNameFor(key));
        Assert.Equal($"{container.Name}/{blobName}", lease.Blob);
        Assert.Equal(64, blobName.Length);
        Assert.Equal(key, (await container.Container.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(LeaseState.Leased, await LeaseStateOf(key));

        await lease.DisposeAsync();
        await lease.DisposeAsync(); // twice is harmless

        Assert.Equal(LeaseState.Available, await LeaseStateOf(key));
        var stopwatch = Stopwatch.StartNew();
        await using var next = await Locks().AcquireAsync(key).WaitAsync(Bound);
        // Without the release the next holder would wait for the 15 s lease to expire; a few Azurite round trips on a
        // loaded machine can take seconds, so the bound sits between the two.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"re-acquiring took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task A_lost_lease_is_flagged_logged_and_not_released_from_under_the_new_holder()
    {
        var key = NewKey();
        var log = new RecordingLogger();
        var lease = await Locks(new BlobLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(15), RenewInterval = TimeSpan.FromMilliseconds(300) }, log)
            .AcquireLeaseAsync(key).WaitAsync(Bound);
        Assert.False(lease.IsLost);

        // Someone breaks the lease and takes the blob: the next renewal finds another lease id.
        var blob = container.Container.GetBlobClient(BlobLeaseDestinationLocks.BlobNameFor(key));
        await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        var intruder = blob.GetBlobLeaseClient();
        await intruder.AcquireAsync(TimeSpan.FromSeconds(15));

        await Task.Delay(Timeout.InfiniteTimeSpan, lease.Lost).ContinueWith(_ => { }).WaitAsync(Bound);
        Assert.True(lease.IsLost);
        var warning = Assert.Single(log.Messages);
        Assert.StartsWith($"lost the lease on lock blob {container.Name}/{blob.Name} for {key}: ", warning);
        Assert.Contains("409", warning);

        await lease.DisposeAsync();
        Assert.Equal(LeaseState.Leased, await LeaseStateOf(key));
        await intruder.ReleaseAsync();
    }

    [Fact]
    public async Task A_lock_container_that_does_not_exist_is_created()
    {
        var name = "vt-locks-" + Guid.NewGuid().ToString("N")[..16];
        var locks = BlobLeaseDestinationLocks.Create(TestServices.AzureStorage, name, new BlobLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(15) });
        try
        {
            await using (await locks.AcquireAsync("k").WaitAsync(Bound))
                Assert.True((await container.Service.GetBlobContainerClient(name).ExistsAsync()).Value);
        }
        finally
        {
            await container.Service.GetBlobContainerClient(name).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task Storage_down_fails_acquiring_with_a_clear_error_instead_of_waiting_forever()
    {
        var port = TestServices.UnusedPort();
        var locks = BlobLeaseDestinationLocks.Create(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => locks.AcquireAsync("redis/app").WaitAsync(Bound));

        Assert.Equal($"lock blob 'vartrack-locks/{BlobLeaseDestinationLocks.BlobNameFor("redis/app")}' for 'redis/app': " +
                     $"cannot reach http://127.0.0.1:{port}/devstoreaccount1 (connection refused)", error.Message);
    }

    [Fact]
    public void Lease_durations_outside_what_Azure_allows_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlobLeaseDestinationLocks(container.Container, new BlobLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(10) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlobLeaseDestinationLocks(container.Container, new BlobLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(61) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlobLeaseDestinationLocks(container.Container,
            new BlobLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(15), RenewInterval = TimeSpan.FromSeconds(15) }));
    }

    [Fact]
    public async Task Two_executors_with_their_own_lease_locks_lose_nothing_on_one_destination()
    {
        var sink = await container.CreateSinkAsync();
        var provider = new OneSinkProvider(sink);
        var definition = new SinkDefinition("primary", AzureBlobSinkFactory.TypeName, TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>());
        var executors = new[] { new SyncExecutor(provider, Locks()), new SyncExecutor(provider, Locks()) };
        var destination = $"apps/{Guid.NewGuid():N}/locked.json";

        var jobs = Enumerable.Range(0, 6).Select(i => new SyncJob(SinkTestHarness.Rule(),
            new RenderedFile($"config/file{i}.yaml", "contract", "production", new FlatMap([KeyValuePair.Create($"file{i}.a", FlatValue.Text($"{i}"))])),
            [new SyncDestination(definition, destination)]) { Commit = "c1" });
        var reports = await Task.WhenAll(jobs.Select((job, i) => Task.Run(() => executors[i % 2].RunAsync(job)))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(reports, r => Assert.True(r.Succeeded, r.Sinks.Single().Error));
        var all = await sink.ReadAsync(new SinkTarget(destination, "contract", "config/file0.yaml"));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"file{i}.a"), all.Values.Keys.Order(StringComparer.Ordinal));
    }

    private sealed class OneSinkProvider(ISink sink) : ISinkProvider
    {
        public Task<ISink> OpenAsync(SinkDefinition definition, CancellationToken cancellationToken = default) => Task.FromResult(sink);

        public IEnumerable<string> SecretsOf(string sinkName) => [];
    }

    private sealed class RecordingLogger : ILogger<BlobLeaseDestinationLocks>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages) return _messages.ToList();
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning) return;
            lock (_messages) _messages.Add(formatter(state, exception));
        }
    }
}
