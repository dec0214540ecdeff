using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>
/// A minimal Hugging Face hub on 127.0.0.1, over raw sockets (HTTP/1.1, one request per connection): resolve with
/// HEAD and GET, a redirect of LFS files to a second "CDN" listener (signed addresses that can be expired), Range
/// (open and closed), the tree listing with Link pagination, the hub's headers, a per-connection rate cap, and fault
/// injection (statuses, dropped connections, wrong or corrupted bytes, ignored ranges, trickles, stalls, held bodies,
/// a hub that never answers). Bodies are served in FakeHub.Bodies.cs.
/// </summary>
internal sealed partial class FakeHub : IAsyncDisposable
{
    private const int ChunkSize = 1 << 20;
    private readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    private readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, FakeHubRepo> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeHubRequest> _requests = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly ConcurrentDictionary<string, long> _bytesServedByFile = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Task _hubLoop;
    private readonly Task _cdnLoop;
    private long _bytesServed;
    private int _activeBodies;
    private int _openBodies;
    private int _maxActiveBodies;
    private int _cdnGeneration;
    private int _expiredCdnRequests;

    public FakeHub()
    {
        _hub.Start();
        _cdn.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}");
        CdnBase = new Uri($"http://127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}");
        _hubLoop = AcceptLoopAsync(_hub, cdn: false);
        _cdnLoop = AcceptLoopAsync(_cdn, cdn: true);
    }

    public Uri Endpoint { get; }

    public Uri CdnBase { get; }

    /// <summary>Gets or sets how many entries a listing page holds.</summary>
    public int ListingPageSize { get; set; } = 100;

    /// <summary>Gets the body bytes sent so far, over all requests.</summary>
    public long BytesServed => Interlocked.Read(ref _bytesServed);

    /// <summary>
    /// Gets or sets whether the hub (not the CDN) accepts connections and reads requests but never answers, like a
    /// hub behind a black-holing network; requests are still recorded.
    /// </summary>
    public bool Unresponsive { get; set; }

    /// <summary>
    /// Waits until no body is being sent: after a client cancels, the hub's writes into the socket buffer go on (and count
    /// in <see cref="BytesServed"/>) until the hub sees the connection close.
    /// </summary>
    /// <exception cref="TimeoutException">A body was still being sent after 10 seconds.</exception>
    public async Task WaitUntilNoBodyIsSentAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref _openBodies) != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The fake hub was still sending {Volatile.Read(ref _openBodies)} bodies 10 s after the client stopped.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Gets the most bodies that were being sent at the same time, each counted from before its first byte to before
    /// its last (so one connection's bodies, one after the other, never count as two).
    /// </summary>
    public int MaxConcurrentBodies => Volatile.Read(ref _maxActiveBodies);

    public IReadOnlyList<FakeHubRequest> Requests => [.. _requests];

    /// <summary>Gets or sets the most bytes per second one connection's body is sent at; <see langword="null"/> for no cap.</summary>
    public long? BytesPerSecondPerConnection { get; set; }

    /// <summary>Gets or sets the status the CDN answers to an expired address (403 like S3 and CloudFront, or 410).</summary>
    public int ExpiredAddressStatus { get; set; } = 403;

    /// <summary>Gets how many CDN requests came with an expired address.</summary>
    public int ExpiredCdnRequests => Volatile.Read(ref _expiredCdnRequests);

    /// <summary>Makes every CDN address handed out so far expire: requests with them get <see cref="ExpiredAddressStatus"/>.</summary>
    public void ExpireCdnAddresses() => Interlocked.Increment(ref _cdnGeneration);

    public static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Returns an address on 127.0.0.1 where nothing listens (connections are refused).</summary>
    public static Uri ClosedEndpoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Gets the body bytes of one file sent so far (resolve and CDN answers, all requests).</summary>
    public long BytesServedFor(string filePath) => _bytesServedByFile.TryGetValue(filePath, out var bytes) ? bytes : 0;

    public FakeHubRepo AddRepo(string id)
    {
        var repo = new FakeHubRepo(id);
        _repos[id] = repo;
        return repo;
    }

    /// <summary>Counts the GETs (resolve or CDN) that were about a file.</summary>
    public int CountGets(string filePath) => _requests.Count(r => r.Method == "GET" && r.FilePath == filePath);

    public int CountRequests(string filePath) => _requests.Count(r => r.FilePath == filePath);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _hub.Stop();
        _cdn.Stop();
        try
        {
            await Task.WhenAll([_hubLoop, _cdnLoop, .. _connections.Keys]).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private static string Status(int code) => code switch
    {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    private static async Task WriteHeadAsync(Stream stream, int status, IEnumerable<(string Name, string Value)> headers, long contentLength, CancellationToken ct)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Status(status)}\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), ct);
    }

    private static async Task<(string Method, string Target, Dictionary<string, string> Headers)?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
            {
                return null;
            }

            filled += read;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.Skip(1))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                }

                return (parts[0], parts[1], headers);
            }
        }

        return null;
    }

    private void Record(FakeHubRequest request) => _requests.Enqueue(request with { At = _clock.Elapsed });

    private async Task AcceptLoopAsync(TcpListener listener, bool cdn)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var task = Task.Run(() => HandleAsync(client, cdn));
            _connections[task] = true;
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(TcpClient client, bool cdn)
    {
        using (client)
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            try
            {
                var request = await ReadRequestAsync(stream, _stop.Token);
                if (request is { } r)
                {
                    await RouteAsync(stream, cdn, r.Method, r.Target, r.Headers, _stop.Token);
                }

                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (a cancelled or timed-out download): nothing to do.
            }
        }
    }

    private async Task RouteAsync(Stream stream, bool cdn, string method, string target, Dictionary<string, string> headers, CancellationToken ct)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? string.Empty : target[(question + 1)..];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        headers.TryGetValue("Range", out var range);
        headers.TryGetValue("Authorization", out var authorization);

        if (cdn)
        {
            // /cdn/{sha256}
            var file = segments.Length == 2 && segments[0] == "cdn"
                ? _repos.Values.SelectMany(r => r.Files.Values).FirstOrDefault(f => f.Sha256 == segments[1])
                : null;
            Record(new FakeHubRequest(method, true, target, range, authorization, file?.Path));
            if (file is null)
            {
                await WriteHeadAsync(stream, 404, [], 0, ct);
            }
            else if (file.CdnStatuses.TryDequeue(out var status))
            {
                await WriteHeadAsync(stream, status, [("Retry-After", "0")], 0, ct);
            }
            else if (IsExpired(query))
            {
                Interlocked.Increment(ref _expiredCdnRequests);
                await WriteHeadAsync(stream, ExpiredAddressStatus, [], 0, ct);
            }
            else
            {
                await ServeBodyAsync(stream, file, method == "HEAD", range, [], ct);
            }

            return;
        }

        if (Unresponsive)
        {
            Record(new FakeHubRequest(method, false, target, range, authorization, null));
            await Task.Delay(Timeout.Infinite, ct);
            return;
        }

        if (segments.Length >= 5 && segments[0] == "api" && segments[1] == "models" && segments[4] == "tree")
        {
            // /api/models/{org}/{name}/tree/{rev}/{folder...}
            Record(new FakeHubRequest(method, false, target, range, authorization, null));
            await ListAsync(stream, $"{segments[2]}/{segments[3]}", segments[5], string.Join('/', segments.Skip(6)), query, authorization, ct);
            return;
        }

        if (segments.Length >= 5 && segments[2] == "resolve")
        {
            // /{org}/{name}/resolve/{rev}/{path...}
            var filePath = string.Join('/', segments.Skip(4));
            Record(new FakeHubRequest(method, false, target, range, authorization, filePath));
            await ResolveAsync(stream, method, $"{segments[0]}/{segments[1]}", segments[3], filePath, range, authorization, ct);
            return;
        }

        Record(new FakeHubRequest(method, false, target, range, authorization, null));
        await WriteHeadAsync(stream, 404, [], 0, ct);
    }

    private async Task<FakeHubRepo?> AuthorizeAsync(Stream stream, string repoId, string? authorization, CancellationToken ct)
    {
        if (!_repos.TryGetValue(repoId, out var repo))
        {
            await WriteHeadAsync(stream, 404, [("X-Error-Code", "RepoNotFound")], 0, ct);
            return null;
        }

        if (repo.RequiredToken is { } token && authorization != $"Bearer {token}")
        {
            await WriteHeadAsync(stream, 401, [], 0, ct);
            return null;
        }

        if (repo.Gated)
        {
            await WriteHeadAsync(stream, 403, [("X-Error-Code", "GatedRepo")], 0, ct);
            return null;
        }

        return repo;
    }

    private async Task ResolveAsync(Stream stream, string method, string repoId, string revision, string filePath, string? range, string? authorization, CancellationToken ct)
    {
        if (await AuthorizeAsync(stream, repoId, authorization, ct) is not { } repo)
        {
            return;
        }

        if (repo.ResolveRevision(revision) is not { } commit)
        {
            await WriteHeadAsync(stream, 404, [("X-Error-Code", "RevisionNotFound")], 0, ct);
            return;
        }

        if (!repo.Files.TryGetValue(filePath, out var file))
        {
            await WriteHeadAsync(stream, 404, [("X-Error-Code", "EntryNotFound"), ("X-Repo-Commit", commit)], 0, ct);
            return;
        }

        if (file.ResolveStatuses.TryDequeue(out var status))
        {
            await WriteHeadAsync(stream, status, [("Retry-After", "0")], 0, ct);
            return;
        }

        if (file.IsLfs)
        {
            await WriteHeadAsync(
                stream,
                302,
                [
                    ("X-Repo-Commit", commit),
                    ("X-Linked-Etag", $"\"{file.Sha256}\""),
                    ("X-Linked-Size", file.Content.Length.ToString(CultureInfo.InvariantCulture)),
                    ("ETag", $"W/\"{file.GitObjectId}\""),
                    ("Location", new Uri(CdnBase, $"/cdn/{file.Sha256}?X-Amz-Signature=fake&generation={Volatile.Read(ref _cdnGeneration)}").AbsoluteUri),
                ],
                0,
                ct);
            return;
        }

        await ServeBodyAsync(stream, file, method == "HEAD", range, [("X-Repo-Commit", commit), ("ETag", $"\"{file.GitObjectId}\"")], ct);
    }

    /// <summary>Whether a CDN address carries a generation older than the current one (one without any never expires).</summary>
    private bool IsExpired(string query)
    {
        foreach (var part in query.Split('&'))
        {
            if (part.StartsWith("generation=", StringComparison.Ordinal))
            {
                return int.Parse(part["generation=".Length..], CultureInfo.InvariantCulture) < Volatile.Read(ref _cdnGeneration);
            }
        }

        return false;
    }

    private async Task ListAsync(Stream stream, string repoId, string revision, string folder, string query, string? authorization, CancellationToken ct)
    {
        if (await AuthorizeAsync(stream, repoId, authorization, ct) is not { } repo)
        {
            return;
        }

        if (repo.ResolveRevision(revision) is null)
        {
            await WriteHeadAsync(stream, 404, [("X-Error-Code", "RevisionNotFound")], 0, ct);
            return;
        }

        var prefix = folder.Length == 0 ? string.Empty : folder + "/";
        var entries = new List<object>();
        var directories = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in repo.Files.Values.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var slash = file.Path.LastIndexOf('/');
            if (slash > prefix.Length)
            {
                directories.Add(file.Path[..slash]);
            }

            entries.Add(file.IsLfs
                ? new { type = "file", oid = file.GitObjectId, size = file.Content.Length, path = file.Path, lfs = new { oid = file.Sha256, size = file.Content.Length, pointerSize = 134 } }
                : new { type = "file", oid = file.GitObjectId, size = file.Content.Length, path = file.Path });
        }

        entries.AddRange(directories.Select(d => new { type = "directory", oid = "0000000000000000000000000000000000000000", size = 0, path = d }));
        entries.AddRange(repo.ExtraListedPaths.Select(p => new { type = "file", oid = "1111111111111111111111111111111111111111", size = 1, path = p }));

        var cursor = 0;
        foreach (var part in query.Split('&'))
        {
            if (part.StartsWith("cursor=", StringComparison.Ordinal))
            {
                cursor = int.Parse(part["cursor=".Length..], CultureInfo.InvariantCulture);
            }
        }

        var page = entries.Skip(cursor).Take(ListingPageSize).ToArray();
        var body = JsonSerializer.SerializeToUtf8Bytes(page);
        var headers = new List<(string, string)> { ("Content-Type", "application/json") };
        if (cursor + ListingPageSize < entries.Count)
        {
            var next = new Uri(Endpoint, $"/api/models/{repoId}/tree/{revision}/{folder}?recursive=true&cursor={cursor + ListingPageSize}");
            headers.Add(("Link", $"<{next.AbsoluteUri}>; rel=\"next\""));
        }

        await WriteHeadAsync(stream, 200, headers, body.Length, ct);
        await stream.WriteAsync(body, ct);
    }
}
