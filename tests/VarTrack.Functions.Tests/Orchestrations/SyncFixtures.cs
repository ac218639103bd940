using VarTrack.Core.Planning;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Tests.Orchestrations;

/// <summary>A push of one file synced to three destinations, and the activity results a real sync would give.</summary>
public static class SyncFixtures
{
    public const string Commit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

    /// <summary>A secret value the activities see while planning; it must never travel through the orchestration.</summary>
    public const string SecretValue = "pa55-w0rd-Zq81xT";

    public static readonly SyncRequest Request = new(SyncIds.For("acme/app", "refs/heads/main", Commit), "acme/app", "https://git.example/acme/app.git", "refs/heads/main", Commit)
    {
        Platform = "github",
        RequestedAt = new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero),
    };

    public static readonly IReadOnlyList<DestinationRef> Destinations =
    [
        new("cache", "config:acme:production") { Type = "redis" },
        new("cache", "config:globex:production") { Type = "redis" },
        new("files", "/srv/config/app.json") { Type = "file" },
    ];

    public static ResolvedSync Resolved(SyncRequest request) => new(
        [
            new FileSync(request.SyncId, "app", "config/app.yaml", "production", Destinations)
            {
                Repository = request.Repository,
                CloneUrl = request.CloneUrl,
                Ref = request.Ref,
                Commit = request.Commit,
                CommitTime = new DateTimeOffset(2025, 3, 14, 9, 24, 40, TimeSpan.Zero),
            },
        ],
        [],
        null);

    /// <summary>What the plan activity returns after loading the values (secret included) itself: a masked summary.</summary>
    public static DestinationPlanResult Plan(DestinationStep step)
    {
        // The real activity loads the file (with SecretValue for db.password) and returns display values only.
        const string masked = "***";
        return new DestinationPlanResult(null, null,
            new ChangeSummary([new ChangeLine("db.host", ChangeKind.Change, "old-db", "new-db"), new ChangeLine("db.password", ChangeKind.Change, "***", masked)], 4),
            "6113728f27ae82c7b1a177c8d03f9e96e0adf246")
        {
            Phases = [WritePhase.Upsert],
        };
    }
}
