namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Where one file's bytes are fetched from: its resolve address on the hub, and the address the hub last redirected
/// to (a signed CDN address), which later requests for the same file use directly instead of asking the hub again.
/// When that address expires (the CDN answers 403 or 410), it is forgotten and the file is resolved through the hub
/// again. Thread-safe: the connections of one ranged download share it.
/// </summary>
internal sealed class DownloadLocation
{
    private Uri _current;
    private int _renewals;

    public DownloadLocation(Uri resolveUrl)
    {
        ResolveUrl = resolveUrl;
        _current = resolveUrl;
    }

    /// <summary>Gets the file's address on the hub (<c>/{repo}/resolve/{commit}/{path}</c>).</summary>
    public Uri ResolveUrl { get; }

    /// <summary>Gets the address the next request starts from: the last redirect target, else <see cref="ResolveUrl"/>.</summary>
    public Uri Current => Volatile.Read(ref _current);

    /// <summary>Gets how many times an expired address was resolved again.</summary>
    public int Renewals => Volatile.Read(ref _renewals);

    /// <summary>
    /// Remembers the address a request ended up at, after following redirects, unless another connection changed
    /// <see cref="Current"/> since the request read it as <paramref name="startedFrom"/>: a request sent just before the
    /// address expired must not bring it back after another connection has replaced it with a fresh one.
    /// </summary>
    public void Remember(Uri startedFrom, Uri url) => Interlocked.CompareExchange(ref _current, url, startedFrom);

    /// <summary>
    /// Forgets <paramref name="expired"/>, so that the next request asks the hub again. Several connections may find
    /// the same address expired at once; only the first counts as a renewal.
    /// </summary>
    public void Forget(Uri expired)
    {
        if (ReferenceEquals(Interlocked.CompareExchange(ref _current, ResolveUrl, expired), expired))
        {
            Interlocked.Increment(ref _renewals);
        }
    }
}
