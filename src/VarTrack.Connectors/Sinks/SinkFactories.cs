namespace VarTrack.Connectors.Sinks;

/// <summary>Every sink type this build can write to, one factory per connector folder.</summary>
public static class SinkFactories
{
    public static IReadOnlyList<ISinkFactory> All() =>
    [
        new Redis.RedisSinkFactory(),
        new S3.S3SinkFactory(),
        new ZooKeeper.ZooKeeperSinkFactory(),
        new AzureStorage.AzureBlobSinkFactory(),
        new Kubernetes.ConfigMapSinkFactory(),
        new Files.FileSinkFactory(),
        new Mongo.MongoSinkFactory(),
    ];
}
