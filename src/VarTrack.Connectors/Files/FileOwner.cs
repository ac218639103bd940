using System.Globalization;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Files;

/// <summary>The <c>owner</c> setting: <c>user</c> or <c>user:group</c>, as names or numeric ids.</summary>
internal sealed record FileOwner(string User, string? Group)
{
    public uint? UserId => uint.TryParse(User, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public uint? GroupId => Group is not null && uint.TryParse(Group, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public bool IsNumeric => UserId is not null && (Group is null || GroupId is not null);

    public static FileOwner Parse(string text, string sinkName)
    {
        var parts = text.Split(':');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
            throw new VarTrackException(new Problem($"sink '{sinkName}' (type file): 'owner' must be 'user' or 'user:group' (names or numeric ids), not '{text}'"));
        return new FileOwner(parts[0], parts.Length == 2 ? parts[1] : null);
    }

    public override string ToString() => Group is null ? User : $"{User}:{Group}";
}
