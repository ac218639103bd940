namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>A command failure the fake answers as MongoDB does: <c>{ok: 0, errmsg, code, codeName}</c>.</summary>
public sealed class FakeMongoCommandError(int code, string codeName, string message) : Exception(message)
{
    public int Code { get; } = code;

    public string CodeName { get; } = codeName;

    public static FakeMongoCommandError BadValue(string message) => new(2, "BadValue", message);

    public static FakeMongoCommandError NamespaceNotFound(string message) => new(26, "NamespaceNotFound", message);
}
