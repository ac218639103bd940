namespace VarTrack.Core.Webhooks;

/// <summary>
/// Something besides config syncs that wants verified pushes (the release metadata notifier). The webhook handler
/// calls every listener for every pushed commit after the delivery is verified and recorded (so a redelivery does
/// not call it twice); a listener answers quickly (record the work, do it in the background) and returns true when
/// the push was one it tracks. A listener that throws makes the delivery fail like a sync that cannot start.
/// </summary>
public interface IPushListener
{
    /// <summary>Shown in the webhook answer (<c>push_listeners</c>) when it took a push, e.g. <c>meta</c>.</summary>
    string Name { get; }

    Task<bool> OnPushAsync(PushNotice push, CancellationToken cancellationToken = default);
}
