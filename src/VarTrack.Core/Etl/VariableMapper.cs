using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Etl;

/// <summary>
/// Step 5: <c>variables_map</c>, in the order written. A rename moves a key's value to a new key; an injection adds a
/// constant or template (<c>{env}</c>, <c>{tenant}</c>, ...). Writing onto a key that already exists is an error in
/// both cases, never an overwrite. Every problem is reported at once.
/// </summary>
public static class VariableMapper
{
    public static FlatMap Apply(FlatMap input, IReadOnlyList<VariableMapping> variables, TemplateValues values, string file, string? rule = null)
    {
        if (variables.Count == 0) return input;
        var map = input.Clone();
        var problems = new List<Problem>();
        var placeholders = values.ToDictionary();
        foreach (var variable in variables)
        {
            var rename = variable.From is not null && (!variable.IsShorthand || map.ContainsKey(variable.From));
            var value = FlatValue.Null;
            if (rename && !map.TryGetValue(variable.From!, out value))
            {
                problems.Add(new Problem($"variables_map renames '{variable.From}' to '{variable.Target}', but the document has no key '{variable.From}'") { File = file, Rule = rule });
                continue;
            }
            if (map.ContainsKey(variable.Target) && !(rename && variable.Target == variable.From))
            {
                var verb = rename ? $"renames '{variable.From}' onto" : "injects";
                problems.Add(new Problem($"variables_map {verb} '{variable.Target}', which the document already defines") { File = file, Position = map.OriginOf(variable.Target), Rule = rule });
                continue;
            }
            if (rename)
            {
                var origin = map.OriginOf(variable.From!);
                map.Remove(variable.From!);
                map.Add(variable.Target, value, origin);
            }
            else
                map.Add(variable.Target, FlatValue.Text(variable.Value!.Render(placeholders)), SourcePosition.None);
        }
        if (problems.Count > 0) throw new VarTrackException(problems);
        return map;
    }
}
