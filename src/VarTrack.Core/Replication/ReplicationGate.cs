using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VarTrack.Core.Replication;

/// <summary>
/// Decides, for every host, whether a replication run may start now: only once the access check has passed since this
/// process started (checked again at each tick until it does, logging exactly what is missing), and not after a
/// <see cref="CycleOutcome.Fatal"/> cycle recorded since this process started (bad credentials, a missing permission, a
/// path collision: retrying cannot fix them, so replication stops until the host restarts with the cause fixed). The
/// fatal cycle is read from the status store, so the Functions app, whose runs end in orchestrations, stops the same way.
/// </summary>
public sealed class ReplicationGate(VaultAccessCheck check, ReplicationStatusStore status, TimeProvider time, ILogger<ReplicationGate>? logger = null)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private volatile bool _accessGranted;
    private volatile bool _stopReported;

    public async Task<bool> MayRunAsync(CancellationToken cancellationToken)
    {
        var fatal = (await status.LastAsync(cancellationToken)).FirstOrDefault(c => c.Outcome == CycleOutcome.Fatal && c.Finished >= _started);
        if (fatal is not null)
        {
            if (!_stopReported)
                _logger.LogCritical("vault replication stopped until the host restarts: {Owner} cycle {CycleId} was fatal: {Errors}",
                    fatal.Owner, fatal.CycleId, string.Join("; ", fatal.Errors.Take(3)));
            _stopReported = true;
            return false;
        }
        if (_accessGranted) return true;
        var report = await check.RunAsync(cancellationToken);
        foreach (var missing in report.Missing)
            _logger.LogError("vault replication cannot start: {Missing}", missing.ToString());
        _accessGranted = report.Ok;
        return report.Ok;
    }
}
