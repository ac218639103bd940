using VarTrack.Core.Releases;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// A real repository whose commits run <see cref="AfterPlan"/> between planning and pushing, so a test can land another
/// writer's push exactly there and make the real server refuse this one.
/// </summary>
public sealed class HookedMetaRepository(IMetaRepository inner) : IMetaRepository
{
    public Func<int, Task>? AfterPlan { get; set; }

    public int Plans { get; private set; }

    public string Name => inner.Name;

    public Task<MetaTree> ReadTipAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) => inner.ReadTipAsync(maxAge, cancellationToken);

    public Task<MetaTree> ReadAsync(string commit, CancellationToken cancellationToken = default) => inner.ReadAsync(commit, cancellationToken);

    public Task<string?> FirstParentAsync(string commit, CancellationToken cancellationToken = default) => inner.FirstParentAsync(commit, cancellationToken);

    public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default) => inner.IsAncestorAsync(ancestor, descendant, cancellationToken);

    public Task<IReadOnlyList<MetaHistoryStep>> HistoryAsync(CancellationToken cancellationToken = default) => inner.HistoryAsync(cancellationToken);

    public Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default) =>
        inner.CommitAsync(async (tree, ct) =>
        {
            var change = await plan(tree, ct);
            Plans++;
            if (AfterPlan is { } hook) await hook(Plans);
            return change;
        }, cancellationToken);
}
