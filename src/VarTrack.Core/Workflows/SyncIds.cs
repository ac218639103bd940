using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Core.Workflows;

/// <summary>
/// Sync ids are derived from what is synced (repository, ref, commit), so the same push delivered twice, or by two
/// instances, names the same sync and starts it once.
/// </summary>
public static class SyncIds
{
    public static string For(string repository, string reference, string commit)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{repository}\n{reference}\n{commit}"));
        return "sync-" + Convert.ToHexStringLower(hash)[..24];
    }

    public static bool IsValid(string id) => id.Length == 29 && id.StartsWith("sync-", StringComparison.Ordinal) && id[5..].All(char.IsAsciiHexDigitLower);
}
