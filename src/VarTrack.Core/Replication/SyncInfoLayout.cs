using System.Globalization;

namespace VarTrack.Core.Replication;

/// <summary>The names every sync info store uses, so the layout is the same in Blob storage, a folder and Consul KV.</summary>
public static class SyncInfoLayout
{
    public const string IndexName = "index.json";

    public const string GenerationsFolder = "generations";

    /// <summary><c>bucket-0007.json</c>: zero-padded so a listing sorts by number.</summary>
    public static string BucketName(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        return "bucket-" + bucket.ToString("D4", CultureInfo.InvariantCulture) + ".json";
    }

    /// <summary>Owners and generations are names VarTrack makes (<c>origin-primary</c>, 24 hex digits): letters, digits, '-' and '_' only.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// <paramref name="name"/> when <see cref="IsValidName"/>, else an <see cref="ArgumentException"/> naming it;
    /// <paramref name="what"/> says what it names (<c>owner</c>, <c>generation</c>). Every store checks its arguments
    /// with this, so a name that would escape its folder in one store is refused by all of them alike.
    /// </summary>
    public static string RequireValidName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name, what);
        if (!IsValidName(name))
            throw new ArgumentException($"'{name}' is not a valid sync info {what}: use 1 to 100 letters, digits, '-' and '_'", what);
        return name;
    }
}
