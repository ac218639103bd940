using System.Threading.Channels;
using Microsoft.Extensions.Options;
using VarTrack.Core.Workflows;

namespace VarTrack.Server;

/// <summary>
/// The server's <see cref="ISyncStarter"/>: records a sync as queued (once per id, so a redelivered webhook starts
/// nothing), then workers run the Core sync workflow in process. On shutdown, running syncs get
/// <see cref="ServerOptions.ShutdownGrace"/> to finish; after that they are cancelled, which restores every destination
/// they wrote, and are recorded as abandoned. Syncs still queued stay queued and run at the next start.
/// </summary>
public sealed class SyncQueue(SyncRecordStore records, WorkflowHost workflows, RepositoryRateLimiter limiter, IOptions<ServerOptions> options,
    TimeProvider time, ILogger<SyncQueue> logger) : BackgroundService, ISyncStarter
{
    private readonly Channel<SyncRequest> _queue = Channel.CreateUnbounded<SyncRequest>();
    private int _running;

    public int Running => Volatile.Read(ref _running);

    public int Queued => _queue.Reader.Count;

    public async Task<bool> StartAsync(SyncRequest request, CancellationToken cancellationToken = default)
    {
        if (await records.GetAsync(request.SyncId, cancellationToken) is not null) return false;
        if (limiter.TryAdmit(request.Repository) is { } retryAfter) throw new RateLimitedException(request.Repository, retryAfter);
        if (!await records.TryCreateAsync(new SyncRecord(request.SyncId, SyncState.Queued, request), cancellationToken)) return false;
        logger.LogInformation("sync {SyncId} queued: {Repository} {Ref} {Commit} ({Trigger})", request.SyncId, request.Repository, request.Ref, request.Commit, request.Trigger);
        await _queue.Writer.WriteAsync(request, cancellationToken);
        return true;
    }

    /// <summary>Recovers before the host starts accepting requests, so a new delivery is never enqueued twice.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    /// <summary>After a restart: queued syncs run again; a sync recorded as running was cut off by a crash.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var record in (await records.ListAsync(int.MaxValue, cancellationToken)).OrderBy(r => r.Request.RequestedAt))
        {
            if (record.State == SyncState.Queued) await _queue.Writer.WriteAsync(record.Request, cancellationToken);
            else if (record.State == SyncState.Running)
                await records.SaveAsync(record with { State = SyncState.Abandoned, FinishedAt = time.GetUtcNow(), Error = "the server stopped while this sync ran; run it again" }, cancellationToken);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken))
                await RunAsync(request, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: syncs not taken stay queued in the state store.
        }
    }

    private async Task RunAsync(SyncRequest request, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _running);
        using var run = new CancellationTokenSource();
        await using var stop = stoppingToken.Register(() => run.CancelAfter(options.Value.ShutdownGrace));
        var started = time.GetUtcNow();
        try
        {
            await records.SaveAsync(new SyncRecord(request.SyncId, SyncState.Running, request) { StartedAt = started }, CancellationToken.None);
            SyncRecord record;
            try
            {
                record = await SyncWorkflow.RunAsync(workflows.Steps(run.Token), request);
                if (run.IsCancellationRequested)
                    record = record with { State = SyncState.Abandoned, Error = "the server stopped before this sync finished; destinations it wrote were restored" };
            }
            catch (Exception ex)
            {
                record = new SyncRecord(request.SyncId, run.IsCancellationRequested ? SyncState.Abandoned : SyncState.Failed, request)
                {
                    StartedAt = started,
                    FinishedAt = time.GetUtcNow(),
                    Error = run.IsCancellationRequested ? "the server stopped before this sync started writing" : $"internal error: {ex.Message}",
                };
                if (!run.IsCancellationRequested) logger.LogError(ex, "sync {SyncId} failed unexpectedly", request.SyncId);
            }
            await records.SaveAsync(record, CancellationToken.None);
            SyncRecordLog.Write(logger, record);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
