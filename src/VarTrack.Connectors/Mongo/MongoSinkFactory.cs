using MongoDB.Driver;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Mongo;

/// <summary>
/// Creates <c>mongodb</c> sinks. Settings: <c>connection</c> (a mongodb:// or mongodb+srv:// connection string; may
/// hold credentials, so it never appears in messages), <c>database</c>, <c>collection</c>, <c>mode</c>
/// (<c>document</c>, the default, or <c>file</c>). One MongoClient per sink, connected lazily: creating a sink never
/// fails because the server is down; the first read says so, naming the destination.
/// The driver's 30 s server-selection and connect timeouts are shortened to <paramref name="timeout"/> (10 s by
/// default) unless the connection string sets <c>serverSelectionTimeoutMS</c> / <c>connectTimeoutMS</c> itself.
/// </summary>
public sealed class MongoSinkFactory(TimeSpan? timeout = null) : ISinkFactory
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public string Type => "mongodb";

    public Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default)
    {
        var connection = settings.RequiredText("connection");
        var database = settings.RequiredText("database");
        var collection = settings.RequiredText("collection");
        var mode = settings.Choice("mode", "document");

        MongoClientSettings client;
        try
        {
            client = MongoClientSettings.FromConnectionString(connection);
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException or UriFormatException)
        {
            // The driver's message quotes the connection string, which may hold a password: say what is expected instead.
            throw Bad(settings, "connection", "is not a valid MongoDB connection string (expected mongodb://[user:password@]host[:port][/?options] or mongodb+srv://...)");
        }
        var limit = timeout ?? DefaultTimeout;
        if (!Mentions(connection, "serverSelectionTimeoutMS")) client.ServerSelectionTimeout = limit;
        if (!Mentions(connection, "connectTimeoutMS")) client.ConnectTimeout = limit;

        if (InvalidDatabaseName(database) is { } databaseProblem) throw Bad(settings, "database", databaseProblem);
        if (InvalidCollectionName(collection) is { } collectionProblem) throw Bad(settings, "collection", collectionProblem);

        ISink sink = mode switch
        {
            "document" => new MongoDocumentSink(client, database, collection),
            "file" => new MongoFileSink(client, database, collection),
            _ => throw Bad(settings, "mode", $"must be 'document' or 'file', not '{mode}'"),
        };
        return Task.FromResult(sink);
    }

    private static bool Mentions(string connection, string option) =>
        connection.Contains(option + "=", StringComparison.OrdinalIgnoreCase);

    private static string? InvalidDatabaseName(string name) =>
        name.Length == 0 ? "may not be empty"
        : name.Length > 63 ? "must be shorter than 64 characters"
        : name.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '\0']) >= 0 ? $"'{name}' may not contain any of / \\ . \" $ or a space"
        : null;

    private static string? InvalidCollectionName(string name) =>
        name.Length == 0 ? "may not be empty"
        : name.Contains('$') || name.Contains('\0') ? $"'{name}' may not contain '$'"
        : name.StartsWith("system.", StringComparison.Ordinal) ? $"'{name}' is reserved (system.*)"
        : null;

    private static VarTrackException Bad(SinkSettings settings, string setting, string problem) =>
        new(new Problem($"setting '{setting}' {problem}") { Sink = settings.Name });
}
