namespace VarTrack.Core.Releases.Age;

/// <summary>
/// Any failure of the age encryption code: malformed files or keys (<see cref="AgeFormatException"/>) and files no
/// given identity can open (<see cref="AgeNoMatchingIdentityException"/>). Messages never contain key material.
/// </summary>
public abstract class AgeException : Exception
{
    protected AgeException(string message) : base(message) { }

    protected AgeException(string message, Exception innerException) : base(message, innerException) { }
}
