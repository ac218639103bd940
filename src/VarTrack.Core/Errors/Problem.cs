using VarTrack.Core.Formats;

namespace VarTrack.Core.Errors;

/// <summary>
/// One thing wrong with user input, naming where it is: file and position, and where relevant the rule, sink or key.
/// Its text never contains a secret value: callers put key paths and references in it, never resolved values.
/// </summary>
public sealed record Problem(string Message)
{
    public string? File { get; init; }
    public SourcePosition Position { get; init; } = SourcePosition.None;
    public string? Rule { get; init; }
    public string? Sink { get; init; }
    public string? Key { get; init; }

    public static Problem At(string? file, SourcePosition position, string message) => new(message) { File = file, Position = position };

    /// <summary><c>file:line:col: [rule r] [sink s] [key k]: message</c>, the one-line form CLIs and logs print.</summary>
    public override string ToString()
    {
        var where = new List<string>(4);
        if (File is not null)
            where.Add(Position.IsKnown ? $"{File}:{Position.Line}:{Position.Column}" : File);
        if (Rule is not null) where.Add($"rule '{Rule}'");
        if (Sink is not null) where.Add($"sink '{Sink}'");
        if (Key is not null) where.Add($"key '{Key}'");
        return where.Count == 0 ? Message : $"{string.Join(" ", where)}: {Message}";
    }
}
