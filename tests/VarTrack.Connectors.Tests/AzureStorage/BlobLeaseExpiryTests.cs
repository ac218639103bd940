using System.Diagnostics;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;

namespace VarTrack.Connectors.Tests.AzureStorage;

/// <summary>
/// The slow lease tests, with Azure's shortest lease (15 s), each bounded: a crashed holder's lease expires, and a
/// live holder keeps its lease past the lease duration by renewing it. Kept apart from
/// <see cref="BlobLeaseDestinationLocksTests"/> so xunit runs them alongside the fast ones.
/// </summary>
public sealed class BlobLeaseExpiryTests(AzuriteContainer container) : IClassFixture<AzuriteContainer>
{
    private static readonly BlobLeaseOptions Shortest = new() { LeaseDuration = TimeSpan.FromSeconds(15) };

    private BlobLeaseDestinationLocks Locks()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        return new BlobLeaseDestinationLocks(container.Container, Shortest);
    }

    [Fact]
    public async Task A_crashed_holders_lease_expires_and_the_next_holder_gets_the_lock()
    {
        var key = $"crash/{Guid.NewGuid():N}";
        var crashed = await Locks().AcquireLeaseAsync(key).WaitAsync(TimeSpan.FromSeconds(20));
        await crashed.AbandonAsync(); // stops renewing, never releases: a process that died
        var abandonedAt = Stopwatch.StartNew();

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await using var next = await Locks().AcquireAsync(key, bound.Token);

        Assert.InRange(abandonedAt.Elapsed, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task A_live_holder_renews_its_lease_past_the_lease_duration()
    {
        var key = $"renew/{Guid.NewGuid():N}";
        var holder = await Locks().AcquireLeaseAsync(key).WaitAsync(TimeSpan.FromSeconds(20));

        // 20 s is longer than the 15 s lease: only renewals keep the other instance out that long.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Locks().AcquireAsync(key, bound.Token));

        Assert.False(holder.IsLost);
        await holder.DisposeAsync();
        await using var next = await Locks().AcquireAsync(key).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
