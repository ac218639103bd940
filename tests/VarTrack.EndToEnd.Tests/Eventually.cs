namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Waits for a condition the server reaches in the background (a sync recorded, a heal done), polling with a
/// generous bound: on a loaded machine things happen late, never too early, so tests wait for the state instead of
/// guessing a time.
/// </summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(200);
        }
        return false;
    }
}
