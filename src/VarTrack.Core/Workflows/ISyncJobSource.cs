namespace VarTrack.Core.Workflows;

/// <summary>Loads the values of a <see cref="FileSync"/> inside an activity (from Git at its commit, or from a baseline).</summary>
public interface ISyncJobSource
{
    Task<LoadedFile> LoadAsync(FileSync file, CancellationToken cancellationToken = default);
}
