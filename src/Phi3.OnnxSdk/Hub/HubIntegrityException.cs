namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Downloaded bytes did not match the expected hash or size. The partial blob has been deleted and nothing
/// was added to the snapshot.
/// </summary>
public sealed class HubIntegrityException : HubException
{
    /// <summary>Initializes a new instance of the <see cref="HubIntegrityException"/> class.</summary>
    public HubIntegrityException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubIntegrityException"/> class with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public HubIntegrityException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubIntegrityException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public HubIntegrityException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the expected hash (or size), as written in the message.</summary>
    public string? Expected { get; init; }

    /// <summary>Gets the hash (or size) actually received.</summary>
    public string? Actual { get; init; }
}
