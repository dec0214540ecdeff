namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// A Hugging Face hub download failed: the hub refused or failed a request (after retries where retrying
/// makes sense), or answered something this client cannot use.
/// </summary>
public class HubException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="HubException"/> class.</summary>
    public HubException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubException"/> class with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public HubException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public HubException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status code of the failing answer, or <see langword="null"/> when there was none.</summary>
    public System.Net.HttpStatusCode? StatusCode { get; init; }

    /// <summary>
    /// Gets a value indicating whether the hub could not be reached or kept failing (a refused connection, a DNS
    /// failure, a time-out, 408, 429 or 5xx) until the retries ran out, as opposed to refusing the request.
    /// </summary>
    internal bool HubUnavailable { get; init; }
}
