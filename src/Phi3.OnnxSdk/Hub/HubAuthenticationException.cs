namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// The hub answered 401 or 403: the token is missing or wrong, or the repository is gated or private and
/// the token's account has not been granted access. Never retried.
/// </summary>
public sealed class HubAuthenticationException : HubException
{
    /// <summary>Initializes a new instance of the <see cref="HubAuthenticationException"/> class.</summary>
    public HubAuthenticationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubAuthenticationException"/> class with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public HubAuthenticationException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubAuthenticationException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public HubAuthenticationException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

}
