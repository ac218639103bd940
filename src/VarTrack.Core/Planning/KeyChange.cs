using System.Text.Json.Serialization;
using VarTrack.Core.Etl;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Planning;

/// <summary>One key of a change set. <see cref="Sensitive"/> keys show <c>***</c> for both sides in every rendering.</summary>
/// Raw <see cref="Before"/>/<see cref="After"/> are for sinks; serialisers only ever see the display values.
public sealed record KeyChange(string Key, ChangeKind Kind, [property: JsonIgnore] FlatValue? Before, [property: JsonIgnore] FlatValue? After, bool Sensitive)
{
    public string? BeforeDisplay => Show(Before);

    public string? AfterDisplay => Show(After);

    private string? Show(FlatValue? value) => value is not { } v ? null : Sensitive && !v.IsNull ? SecretValue.Mask : v.Display;

    public override string ToString() => Kind switch
    {
        ChangeKind.Add => $"+ {Key} = {AfterDisplay ?? "null"}",
        ChangeKind.Remove => $"- {Key} (was {BeforeDisplay ?? "null"})",
        ChangeKind.Change => $"~ {Key}: {BeforeDisplay ?? "null"} -> {AfterDisplay ?? "null"}",
        _ => $"= {Key} = {AfterDisplay ?? "null"}",
    };
}
