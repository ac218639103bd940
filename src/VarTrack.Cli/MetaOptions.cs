using System.CommandLine;

namespace VarTrack.Cli;

/// <summary>The options every <c>vt meta</c> command shares (recursive, so they may be given at any level).</summary>
internal sealed class MetaOptions
{
    public Option<string?> Repository { get; } = new("--repository") { Description = "The meta repository: a Git URL (https://, http://) or a local path (default: meta.repository of vartrack.yaml).", Recursive = true };

    public Option<string?> Branch { get; } = new("--branch") { Description = "The branch holding the metadata (default: meta.branch, else main).", Recursive = true };

    public Option<string?> Project { get; } = new("--project", "-p") { Description = "The project (default: meta.project).", Recursive = true };

    public Option<string?> Writer { get; } = new("--writer") { Description = "This writer's id in event file names (default: meta.writer, else the machine name).", Recursive = true };

    public Option<string?> Actor { get; } = new("--actor") { Description = "Who promotes, recorded in events (default: $VT_ACTOR, else the user name).", Recursive = true };

    public Option<string?> WorkDirectory { get; } = new("--work-dir") { Description = "Parent folder of the local working clone (default: meta.cache_directory, else ~/.cache/vartrack/meta).", Recursive = true };

    public void AddTo(Command command)
    {
        command.Add(Repository);
        command.Add(Branch);
        command.Add(Project);
        command.Add(Writer);
        command.Add(Actor);
        command.Add(WorkDirectory);
    }
}
