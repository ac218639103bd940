using Microsoft.Extensions.Logging;

namespace VarTrack.Core.Workflows;

/// <summary>How every host logs a finished sync: one line per problem and per destination, then the outcome (values never appear; errors are already scrubbed).</summary>
public static class SyncRecordLog
{
    public static void Write(ILogger logger, SyncRecord record)
    {
        foreach (var file in record.Files)
        {
            foreach (var problem in file.Problems)
                logger.LogWarning("sync {SyncId} {File} ({Rule}): {Problem}", record.Id, file.File, file.Rule, problem);
            foreach (var sink in file.Sinks)
                logger.LogInformation("sync {SyncId} {File} ({Rule}, {Environment}) -> {Sink} {Destination}: {Outcome}{Error}",
                    record.Id, file.File, file.Rule, file.Environment, sink.Sink, sink.Destination, sink.Outcome, sink.Error is null ? "" : " " + sink.Error);
        }
        logger.LogInformation("sync {SyncId} {State}{Error}", record.Id, record.State, record.Error is null ? "" : ": " + record.Error);
    }
}
