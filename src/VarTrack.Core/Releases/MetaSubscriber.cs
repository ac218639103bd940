using VarTrack.Core.Config;
using VarTrack.Core.Text;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>meta.subscribers.&lt;name&gt;</c>: an HTTPS endpoint told about every channel that moves (a signed POST), so
/// followers need no Git access. <see cref="Projects"/> (globs) limits which projects it hears about; empty: all.
/// </summary>
public sealed record MetaSubscriber(string Name, string Url, SettingValue Secret)
{
    public IReadOnlyList<Glob> Projects { get; init; } = [];

    public bool Wants(string project) => Projects.Count == 0 || Projects.Any(g => g.IsMatch(project));
}
