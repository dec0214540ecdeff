using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// The hub's HTTP protocol: HEAD on resolve addresses (following only relative redirects), GET with ranges
/// and manual redirects (the token never leaves the hub's origin), the paginated tree listing, and the mapping
/// of error answers to exceptions.
/// </summary>
internal sealed partial class HubHttpClient : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HubSettings _settings;
    private readonly HttpClient _http;
    private readonly string _base;

    public HubHttpClient(HubSettings settings)
    {
        _settings = settings;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // A body left unread (a ranged download cuts its first, open-ended request at a range boundary) closes its
            // connection at once, instead of being read on for up to 1 MiB to keep the connection.
            MaxResponseDrainSize = 0,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var version = typeof(HubHttpClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Phi3.OnnxSdk", version.Split('+')[0]));
        _base = settings.Endpoint.AbsoluteUri.TrimEnd('/');
    }

    public Uri ResolveUrl(string repoId, string revision, string repoPath) =>
        new($"{_base}/{repoId}/resolve/{Uri.EscapeDataString(revision)}/{EscapePath(repoPath)}");

    /// <summary>HEADs one file (with retries); <c>retryUnreachable: false</c> fails at once when the host cannot be reached at all.</summary>
    public Task<HubFileMetadata> GetMetadataAsync(string repoId, string revision, string repoPath, CancellationToken cancellationToken, bool retryUnreachable = true) =>
        HubRetry.ExecuteAsync(
            _settings,
            $"Resolving '{repoPath}' of {repoId}@{revision}",
            ct => HeadOnceAsync(repoId, revision, repoPath, ct),
            progressProbe: null,
            cancellationToken,
            retryUnreachable);

    /// <summary>
    /// Sends one GET for the bytes <paramref name="from"/> to <paramref name="to"/> (inclusive; <see langword="null"/>:
    /// to the end), starting at the address <paramref name="location"/> remembers and following redirects. When a
    /// download server other than the hub answers 403 or 410 (its signed address expired), the file is resolved through
    /// the hub again, once. Returns 200, 206 or 416 answers; throws a mapped exception for others. The caller disposes
    /// the answer. A request for the whole file carries no Range header unless <paramref name="alwaysRange"/> is set.
    /// </summary>
    public async Task<HttpResponseMessage> GetRangeAsync(DownloadLocation location, long from, long? to, bool alwaysRange, string repoId, string revision, string repoPath, CancellationToken cancellationToken)
    {
        var ranged = alwaysRange || from > 0 || to is not null;
        var renewed = false;
        var url = location.Current;
        var startedFrom = url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptEncoding.ParseAdd("identity");
            if (ranged)
            {
                request.Headers.Range = new RangeHeaderValue(from, to);
            }

            AddAuthorization(request);
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } target && hop < MaxRedirects)
            {
                response.Dispose();
                url = target.IsAbsoluteUri ? target : new Uri(url, target);
                continue;
            }

            if ((int)response.StatusCode is 403 or 410 && !IsHubOrigin(url))
            {
                var code = (int)response.StatusCode;
                response.Dispose();
                if (renewed)
                {
                    throw new HubException(
                        $"The download server {url.Host} refused '{repoPath}' of {repoId}@{revision} ({code}) even with the fresh address the hub just gave. Signed download addresses expire: check the system clock, then try again.")
                    {
                        StatusCode = (HttpStatusCode)code,
                    };
                }

                renewed = true;
                HubLog.AddressExpired(_settings.Logger, repoPath, url.Host, code);
                location.Forget(url);
                url = startedFrom = location.ResolveUrl;
                hop = -1;
                continue;
            }

            if (response.IsSuccessStatusCode || (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && ranged))
            {
                location.Remember(startedFrom, url);
                return response;
            }

            var error = MapError(response, repoId, revision, repoPath);
            response.Dispose();
            throw error;
        }
    }

    /// <summary>
    /// Lists the files under <paramref name="folder"/> (recursively, all pages) and checks every path;
    /// <c>retryUnreachable: false</c> fails at once when the host cannot be reached at all.
    /// </summary>
    public async Task<IReadOnlyList<HubFile>> ListAsync(string repoId, string revision, string folder, CancellationToken cancellationToken, bool retryUnreachable = true)
    {
        var files = new List<HubFile>();
        var suffix = folder.Length == 0 ? string.Empty : "/" + EscapePath(folder);
        Uri? next = new($"{_base}/api/models/{repoId}/tree/{Uri.EscapeDataString(revision)}{suffix}?recursive=true&expand=false");
        for (var page = 1; next is not null; page++)
        {
            var url = next;
            (var items, next) = await HubRetry.ExecuteAsync(
                _settings,
                $"Listing '{folder}' of {repoId}@{revision} (page {page})",
                ct => ListPageAsync(url, repoId, revision, folder, ct),
                progressProbe: null,
                cancellationToken,
                retryUnreachable).ConfigureAwait(false);
            files.AddRange(items);
        }

        return files;
    }

    public void Dispose() => _http.Dispose();

    internal static string? NormalizeEtag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag))
        {
            return null;
        }

        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }

    internal static Uri? ParseNextLink(IEnumerable<string>? linkHeaders, Uri current)
    {
        if (linkHeaders is null)
        {
            return null;
        }

        foreach (var header in linkHeaders)
        {
            foreach (Match match in LinkRegex().Matches(header))
            {
                var rels = match.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (rels.Contains("next", StringComparer.OrdinalIgnoreCase))
                {
                    var target = new Uri(match.Groups["url"].Value, UriKind.RelativeOrAbsolute);
                    return target.IsAbsoluteUri ? target : new Uri(current, target);
                }
            }
        }

        return null;
    }

    private static string EscapePath(string repoPath) => string.Join('/', repoPath.Split('/').Select(Uri.EscapeDataString));

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    [GeneratedRegex("<(?<url>[^>]*)>[^,]*?rel=\"?(?<rel>[^\";,]+)\"?", RegexOptions.CultureInvariant)]
    private static partial Regex LinkRegex();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex EtagRegex();

    private async Task<HubFileMetadata> HeadOnceAsync(string repoId, string revision, string repoPath, CancellationToken cancellationToken)
    {
        var url = ResolveUrl(repoId, revision, repoPath);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            request.Headers.AcceptEncoding.ParseAdd("identity");
            AddAuthorization(request);
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var redirect = IsRedirect(response.StatusCode);
            if (redirect && response.Headers.Location is { IsAbsoluteUri: false } relative && hop < MaxRedirects)
            {
                // A renamed repository answers with a relative redirect on the hub itself; the CDN one is absolute.
                url = new Uri(url, relative);
                continue;
            }

            if (!response.IsSuccessStatusCode && !redirect)
            {
                throw MapError(response, repoId, revision, repoPath);
            }

            var commit = Header(response, "X-Repo-Commit")
                ?? throw new HubException($"The hub's answer for '{repoPath}' of {repoId}@{revision} has no X-Repo-Commit header. Check that HF_ENDPOINT ({_base}) points to a Hugging Face hub or a faithful mirror.");
            var linkedEtag = NormalizeEtag(Header(response, "X-Linked-Etag"));
            var etag = linkedEtag ?? NormalizeEtag(Header(response, "ETag"))
                ?? throw new HubException($"The hub's answer for '{repoPath}' of {repoId}@{revision} has no ETag; cannot name the blob. Check HF_ENDPOINT ({_base}).");
            if (!EtagRegex().IsMatch(etag))
            {
                throw new HubException($"The hub's ETag for '{repoPath}' of {repoId}@{revision} is not a plain hash and cannot name a blob file. Check HF_ENDPOINT ({_base}).");
            }

            var sizeText = Header(response, "X-Linked-Size");
            long size;
            if (sizeText is not null)
            {
                if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size))
                {
                    throw new HubException($"The hub's X-Linked-Size '{sizeText}' for '{repoPath}' of {repoId}@{revision} is not a number.");
                }
            }
            else
            {
                size = (!redirect ? response.Content.Headers.ContentLength : null)
                    ?? throw new HubException($"The hub's answer for '{repoPath}' of {repoId}@{revision} gives no size (X-Linked-Size or Content-Length).");
            }

            return new HubFileMetadata(repoPath, commit.Trim(), etag, size, IsLfs: linkedEtag is not null);
        }
    }

    private async Task<(IReadOnlyList<HubFile> Items, Uri? Next)> ListPageAsync(Uri url, string repoId, string revision, string folder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        AddAuthorization(request);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw MapError(response, repoId, revision, folder.Length == 0 ? "(repository root)" : folder + "/");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The tree listing {url.GetLeftPart(UriPartial.Path)} stalled for {_settings.Timeout}.");
        }

        var items = new List<HubFile>();
        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (!item.TryGetProperty("type", out var type) || type.GetString() != "file")
                {
                    continue;
                }

                var path = item.GetProperty("path").GetString();
                if (!HubPath.TryNormalize(path, out var normalized, out var reason))
                {
                    throw new HubException(
                        $"The tree listing of {repoId}@{revision} names the file '{path}', which would leave the snapshot folder ({reason}). Nothing was downloaded; report the listing to the repository's owner or the mirror.");
                }

                long? size = item.TryGetProperty("size", out var sizeElement) && sizeElement.ValueKind == JsonValueKind.Number ? sizeElement.GetInt64() : null;
                string? sha256 = null;
                string? gitOid = item.TryGetProperty("oid", out var oid) && oid.ValueKind == JsonValueKind.String ? oid.GetString() : null;
                if (item.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
                {
                    sha256 = lfs.TryGetProperty("oid", out var lfsOid) ? lfsOid.GetString() : null;
                    size = lfs.TryGetProperty("size", out var lfsSize) && lfsSize.ValueKind == JsonValueKind.Number ? lfsSize.GetInt64() : size;
                    gitOid = null; // the git oid of an LFS file names its pointer, not its content
                }

                items.Add(new HubFile(normalized) { Sha256 = sha256, Size = size, GitObjectId = gitOid });
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new HubException($"The tree listing of {repoId}@{revision} at {url.GetLeftPart(UriPartial.Path)} is not the JSON the hub API returns: {ex.Message}", ex);
        }

        return (items, ParseNextLink(response.Headers.TryGetValues("Link", out var links) ? links : null, url));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.RequestUri?.GetLeftPart(UriPartial.Authority)} did not answer within {_settings.Timeout}.");
        }
    }

    private void AddAuthorization(HttpRequestMessage request)
    {
        // The token goes to the hub's own origin only: never to a CDN or any other host a redirect names.
        if (_settings.Token is { } token && request.RequestUri is { } uri && IsHubOrigin(uri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private bool IsHubOrigin(Uri uri) =>
        Uri.Compare(uri, _settings.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private Exception MapError(HttpResponseMessage response, string repoId, string revision, string repoPath)
    {
        var status = response.StatusCode;
        var code = (int)status;
        var errorCode = Header(response, "X-Error-Code");
        var where = $"'{repoPath}' of {repoId}@{revision}";
        var page = $"{_base}/{repoId}";
        switch (code)
        {
            case 401:
                return new HubAuthenticationException(_settings.Token is null
                    ? $"The hub answered 401 Unauthorized for {where}: the repository is private or gated, or does not exist. Set HF_TOKEN (or HubClientOptions.Token) to a read token of an account with access, and check the repository id."
                    : $"The hub rejected the token (401 Unauthorized) for {where}. Check that HF_TOKEN (or HubClientOptions.Token) holds a valid, unexpired read token, and that the repository id is right.")
                { StatusCode = status };
            case 403:
                return new HubAuthenticationException(errorCode == "GatedRepo" || _settings.Token is not null
                    ? $"Access to the gated repository {repoId} was refused (403 Forbidden) for {where}. Accept its conditions at {page} with your account and use a read token of that account (HF_TOKEN or HubClientOptions.Token)."
                    : $"The hub refused {where} (403 Forbidden). The repository is gated or private: accept its conditions at {page} and set HF_TOKEN (or HubClientOptions.Token) to a read token of that account.")
                { StatusCode = status };
            case 404:
                return new HubNotFoundException(errorCode switch
                {
                    "RepoNotFound" => $"The repository {repoId} was not found (404). Check the repository id.",
                    "RevisionNotFound" => $"The revision '{revision}' of {repoId} was not found (404). Check the branch, tag or commit.",
                    "EntryNotFound" => $"The file '{repoPath}' does not exist in {repoId} at revision '{revision}' (404). Check the path and revision.",
                    _ => $"Not found (404): {where}. Check the repository id, the revision and the file path.",
                })
                { StatusCode = status };
            case 408 or 429 or >= 500:
                return new HubTransientException($"The hub answered {code} {response.ReasonPhrase} for {where}.")
                {
                    StatusCode = status,
                    RetryAfter = response.Headers.RetryAfter is { } retry
                        ? retry.Delta ?? (retry.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                        : null,
                };
            default:
                return new HubException($"The hub answered {code} {response.ReasonPhrase} for {where}, which this client does not handle.") { StatusCode = status };
        }
    }
}
