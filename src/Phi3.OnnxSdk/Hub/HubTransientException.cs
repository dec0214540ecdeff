using System.Net;

namespace Phi3.OnnxSdk.Hub;

/// <summary>An answer worth retrying (408, 429, 5xx) or a stalled transfer; never escapes the downloader.</summary>
internal sealed class HubTransientException : Exception
{
    public HubTransientException()
    {
    }

    public HubTransientException(string? message)
        : base(message)
    {
    }

    public HubTransientException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode? StatusCode { get; init; }

    public TimeSpan? RetryAfter { get; init; }
}
