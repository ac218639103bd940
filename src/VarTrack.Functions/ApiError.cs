namespace VarTrack.Functions;

/// <summary>Every error body: a stable code and a one-line message naming what is wrong.</summary>
public sealed record ApiError(string Error, string Message);
