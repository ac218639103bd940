using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using VarTrack.Core.Errors;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Node registrations in Azure Table storage, so a scaled-out or restarted Function app keeps every node. One entity
/// per node: partition key = the deployment, row key = the identifier escaped like a state key segment
/// (<see cref="StateKey.Escape"/>: characters Table keys forbid can never reach one). Properties: <c>Identifier</c>,
/// <c>Address</c>, <c>Metadata</c> (compact JSON text), <c>RegisteredAt</c>, <c>UpdatedAt</c>. A registration reads
/// the entity and writes it back conditionally (ETag, or add-if-absent), retrying when another writer won, so the first
/// registration time survives concurrent re-registrations. The table is created on first use. Failures become a
/// <see cref="VarTrackException"/> naming the table and the reason, never the connection string.
/// </summary>
public sealed class TableNodeRegistry : INodeRegistry
{
    private const int MaxAttempts = 20;

    private readonly TableClient _table;
    private readonly string _deployment;
    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _exists;

    public TableNodeRegistry(TableClient table, string deployment)
    {
        _table = table;
        _deployment = deployment;
    }

    /// <summary>A registry in <paramref name="table"/> of the account an Azure Storage connection string names.</summary>
    public static TableNodeRegistry Create(string connection, string table, string deployment)
    {
        try
        {
            var options = new TableClientOptions();
            options.Retry.MaxRetries = 2;
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.Delay = TimeSpan.FromMilliseconds(300);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
            return new TableNodeRegistry(new TableClient(connection, table, options), deployment);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new VarTrackException(new Problem("'connection' of 'registry' of 'nodes' is not a valid Azure Storage connection string"));
        }
    }

    public string Description => $"Azure Table '{_table.Name}' (partition '{_deployment}')";

    public async Task<NodeRegistration> RegisterAsync(string identifier, string address, JsonElement metadata, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadEntityAsync(identifier, cancellationToken);
            var registration = new NodeRegistration(identifier, address, metadata.Clone(), existing is null ? now : Registration(existing).RegisteredAt, now);
            var entity = Entity(registration);
            try
            {
                if (existing is null) await _table.AddEntityAsync(entity, cancellationToken);
                else await _table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return registration;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer registered this node between our read and write: read its version and try again,
                // after a short random pause so a crowd of writers does not collide again in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + 10 * attempt)), cancellationToken);
            }
            catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
            {
                throw Failure($"register node '{identifier}'", ex);
            }
        }
    }

    public async Task<NodeRegistration?> GetAsync(string identifier, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        return await ReadEntityAsync(identifier, cancellationToken) is { } entity ? Registration(entity) : null;
    }

    public async Task<IReadOnlyList<NodeRegistration>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var registrations = new List<NodeRegistration>();
        try
        {
            var query = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_deployment}"), maxPerPage: 1000, cancellationToken: cancellationToken);
            await foreach (var page in query.AsPages().WithCancellation(cancellationToken))
                registrations.AddRange(page.Values.Select(Registration));
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure("list nodes", ex);
        }
        return registrations;
    }

    private async Task<TableEntity?> ReadEntityAsync(string identifier, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(_deployment, StateKey.Escape(identifier), cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"read node '{identifier}'", ex);
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_exists) return;
        await _created.WaitAsync(cancellationToken);
        try
        {
            if (_exists) return;
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _exists = true;
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure("create the table", ex);
        }
        finally
        {
            _created.Release();
        }
    }

    private TableEntity Entity(NodeRegistration registration) => new(_deployment, StateKey.Escape(registration.Identifier))
    {
        ["Identifier"] = registration.Identifier,
        ["Address"] = registration.Address,
        ["Metadata"] = JsonSerializer.Serialize(registration.Metadata),
        ["RegisteredAt"] = registration.RegisteredAt,
        ["UpdatedAt"] = registration.UpdatedAt,
    };

    private NodeRegistration Registration(TableEntity entity)
    {
        try
        {
            using var metadata = JsonDocument.Parse(entity.GetString("Metadata") ?? "{}");
            return new NodeRegistration(
                entity.GetString("Identifier") ?? StateKey.Unescape(entity.RowKey),
                entity.GetString("Address") ?? "",
                metadata.RootElement.Clone(),
                entity.GetDateTimeOffset("RegisteredAt") ?? DateTimeOffset.MinValue,
                entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
        }
        catch (JsonException)
        {
            throw new VarTrackException(new Problem($"{Description}: the entity of node '{entity.RowKey}' has metadata that is not JSON"));
        }
    }

    private VarTrackException Failure(string what, Exception ex) => new(new Problem($"{Description}: cannot {what}: {BlobStorageFailure.Reason(_table.Uri, ex)}"));
}
