using VarTrack.Core.Webhooks;

namespace VarTrack.Core.Tests.Webhooks;

/// <summary>A push listener that takes pushes of one repository and records them (or fails, when told to).</summary>
public sealed class RecordingPushListener(string repository) : IPushListener
{
    public string Name => "meta";

    public List<PushNotice> Pushes { get; } = [];

    public bool Fail { get; set; }

    public Task<bool> OnPushAsync(PushNotice push, CancellationToken cancellationToken = default)
    {
        if (Fail) throw new InvalidOperationException("state store down");
        if (push.Repository != repository) return Task.FromResult(false);
        Pushes.Add(push);
        return Task.FromResult(true);
    }
}
