namespace VarTrack.Core.Releases;

/// <summary>What a file of the meta repository is, by its path.</summary>
public enum MetaPathKind
{
    /// <summary>Not part of the model (README, .gitattributes, ...): never checked.</summary>
    Other,
    /// <summary><c>projects/&lt;project&gt;/releases/&lt;id&gt;.json</c>, immutable.</summary>
    Release,
    /// <summary><c>projects/&lt;project&gt;/binaries/&lt;release&gt;/&lt;os&gt;-&lt;arch&gt;.json</c>, immutable.</summary>
    Binary,
    /// <summary><c>projects/&lt;project&gt;/channels/&lt;channel&gt;/events/&lt;timestamp&gt;-&lt;writer&gt;-&lt;seq&gt;.json</c>, immutable.</summary>
    Event,
    /// <summary><c>projects/&lt;project&gt;/flags/&lt;channel&gt;/flags.json</c>, replaced on change.</summary>
    Flags,
    /// <summary><c>envs/&lt;Dev|Stage|Prod&gt;[/&lt;developer&gt;]/...</c>, any config file, replaced on change.</summary>
    Environment,
}
