using VarTrack.Core.Config;

namespace VarTrack.Core.Sync;

/// <summary>
/// Opens the sink a definition in vartrack.yaml describes (connectors implement it; clients are cached per sink so a
/// connection is made once). Also hands out the sink's resolved secret settings so error messages can be scrubbed.
/// </summary>
public interface ISinkProvider
{
    Task<ISink> OpenAsync(SinkDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Resolved secret settings of an opened sink (connection strings, passwords); empty when none.</summary>
    IEnumerable<string> SecretsOf(string sinkName);
}
