namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Offline mode (HF_HUB_OFFLINE or <see cref="HubClientOptions.Offline"/>) is on and the cache lacks a
/// requested file or revision.
/// </summary>
public sealed class HubOfflineException : HubException
{
    /// <summary>Initializes a new instance of the <see cref="HubOfflineException"/> class.</summary>
    public HubOfflineException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubOfflineException"/> class with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public HubOfflineException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubOfflineException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public HubOfflineException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the repository paths that are missing from the cache (empty when the revision itself is unknown).</summary>
    public IReadOnlyList<string> MissingFiles { get; init; } = [];
}
