using Amazon.Runtime;

namespace VarTrack.Connectors.Tests.S3;

/// <summary>Gives the SDK an HttpClient that records every request (method, URL, headers), to prove what the sink sends.</summary>
public sealed class S3RequestLog : HttpClientFactory
{
    private readonly List<RecordedS3Request> _requests = [];

    public sealed record RecordedS3Request(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>e.g. <c>GET key</c>, <c>PUT key</c>, <c>HEAD key</c>, <c>LIST</c>, <c>DELETE-MANY</c>: the object key is the path after the bucket.</summary>
        public string Summary(string bucket)
        {
            var path = Uri.UnescapeDataString(Uri.AbsolutePath).TrimStart('/');
            var key = path.StartsWith(bucket, StringComparison.Ordinal) ? path[bucket.Length..].TrimStart('/') : path;
            if (Method == "GET" && Uri.Query.Contains("list-type=2", StringComparison.Ordinal)) return "LIST";
            if (Method == "POST" && Uri.Query.Contains("delete", StringComparison.Ordinal)) return "DELETE-MANY";
            return $"{Method} {key}";
        }
    }

    public List<RecordedS3Request> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    public void Clear()
    {
        lock (_requests) _requests.Clear();
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Recorder(this, new HttpClientHandler()));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    private sealed class Recorder(S3RequestLog log, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            lock (log._requests) log._requests.Add(new RecordedS3Request(request.Method.Method, request.RequestUri!, headers));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
