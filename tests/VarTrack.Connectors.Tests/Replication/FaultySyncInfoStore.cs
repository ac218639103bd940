using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// A sync info store that passes everything to <c>inner</c> unless <see cref="Fault"/> is set: then every operation
/// throws what it returns (as the Blob and Consul stores throw <see cref="SyncInfoStoreException"/> for an outage or
/// refused access). <see cref="Failing"/> limits the fault to operations whose name it accepts.
/// </summary>
public sealed class FaultySyncInfoStore(ISyncInfoStore inner) : ISyncInfoStore
{
    public Func<Exception>? Fault { get; set; }

    public Func<string, bool> Failing { get; set; } = _ => true;

    public int Faults { get; private set; }

    /// <summary>Awaited before each operation (by name), to hold one process's step while another runs.</summary>
    public Func<string, Task>? Before { get; set; }

    public string Description => inner.Description;

    public async Task<VersionedDocument?> ReadIndexAsync(string owner, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(ReadIndexAsync));
        return await inner.ReadIndexAsync(owner, cancellationToken);
    }

    public async Task<string> WriteIndexAsync(string owner, ReadOnlyMemory<byte> data, string? expectedTag, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(WriteIndexAsync));
        return await inner.WriteIndexAsync(owner, data, expectedTag, cancellationToken);
    }

    public async Task<byte[]?> ReadBucketAsync(string owner, string generation, int bucket, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(ReadBucketAsync));
        return await inner.ReadBucketAsync(owner, generation, bucket, cancellationToken);
    }

    public async Task WriteBucketAsync(string owner, string generation, int bucket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(WriteBucketAsync));
        await inner.WriteBucketAsync(owner, generation, bucket, data, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListGenerationsAsync(string owner, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(ListGenerationsAsync));
        return await inner.ListGenerationsAsync(owner, cancellationToken);
    }

    public async Task DeleteGenerationAsync(string owner, string generation, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(DeleteGenerationAsync));
        await inner.DeleteGenerationAsync(owner, generation, cancellationToken);
    }

    public async Task DeleteIndexAsync(string owner, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(nameof(DeleteIndexAsync));
        await inner.DeleteIndexAsync(owner, cancellationToken);
    }

    private async Task BeforeAsync(string operation)
    {
        if (Before is { } before) await before(operation);
        Check(operation);
    }

    private void Check(string operation)
    {
        if (Fault is not { } fault || !Failing(operation)) return;
        lock (this) Faults++;
        throw fault();
    }
}
