using VarTrack.Connectors.LocalState;
using VarTrack.Connectors.Tests.Files;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.State;

/// <summary>Retention against the local folder store (a fresh folder per test).</summary>
public sealed class LocalFolderStatePruningTests : StatePruningContractTests, IDisposable
{
    private readonly ScratchDirectory _scratch = new("vt-prune-");

    public LocalFolderStatePruningTests() => Store = new LocalFolderStateStore(Path.Combine(_scratch.Path, "state"));

    protected override IStateStore Store { get; }

    public void Dispose() => _scratch.Dispose();
}
