namespace VarTrack.Core.Webhooks;

/// <summary>A verified payload that lacks a field the event needs, or has it with the wrong type: answered 400.</summary>
internal sealed class MalformedPayloadException(string message) : Exception(message);
