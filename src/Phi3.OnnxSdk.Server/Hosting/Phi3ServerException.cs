namespace Phi3.OnnxSdk.Server.Hosting;

/// <summary>Thrown when <see cref="Phi3Server"/> refuses its settings, for example a non-loopback address without an API key.</summary>
public sealed class Phi3ServerException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="Phi3ServerException"/> class.</summary>
    public Phi3ServerException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Phi3ServerException"/> class.</summary>
    /// <param name="message">What is refused and how to fix it.</param>
    public Phi3ServerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Phi3ServerException"/> class.</summary>
    /// <param name="message">What is refused and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public Phi3ServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
