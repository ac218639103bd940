using VarTrack.Core.Config;
using VarTrack.Core.Text;

namespace VarTrack.Core.Planning;

/// <summary>The parts of a rule the planner needs.</summary>
public sealed record PlanOptions(SyncStrategy Strategy, bool Prune, IReadOnlyList<Glob> Protect)
{
    public static readonly PlanOptions Default = new(SyncStrategy.Auto, false, []);

    public static PlanOptions For(RuleDefinition rule) => new(rule.Strategy, rule.Prune, rule.Protect);

    public bool IsProtected(string key)
    {
        foreach (var glob in Protect)
            if (glob.IsMatch(key)) return true;
        return false;
    }
}
