namespace VarTrack.Core.Releases.Age;

/// <summary>
/// A well-formed age file none of the given identities can open: the file was not encrypted for any of their
/// recipients (for example a Dev key given a file encrypted only for Prod).
/// </summary>
public sealed class AgeNoMatchingIdentityException : AgeException
{
    public AgeNoMatchingIdentityException(string message) : base(message) { }
}
