namespace VarTrack.Core.Webhooks;

/// <summary>A verified delivery without the header naming its event: answered 400 missing_event_type.</summary>
internal sealed class MissingEventTypeException(string header) : Exception($"the {header} header is missing")
{
    public string HeaderName { get; } = header;
}
