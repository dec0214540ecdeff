namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// The hub answered 404: the repository, revision or file does not exist. Never retried.
/// </summary>
public sealed class HubNotFoundException : HubException
{
    /// <summary>Initializes a new instance of the <see cref="HubNotFoundException"/> class.</summary>
    public HubNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubNotFoundException"/> class with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public HubNotFoundException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public HubNotFoundException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

}
