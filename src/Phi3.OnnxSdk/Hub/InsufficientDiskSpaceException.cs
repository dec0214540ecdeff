namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// The cache's volume has less free space than the bytes still to download. Raised before any download starts.
/// </summary>
public sealed class InsufficientDiskSpaceException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="InsufficientDiskSpaceException"/> class.</summary>
    public InsufficientDiskSpaceException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InsufficientDiskSpaceException"/> class with a message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public InsufficientDiskSpaceException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InsufficientDiskSpaceException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public InsufficientDiskSpaceException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the bytes still to download.</summary>
    public long RequiredBytes { get; init; }

    /// <summary>Gets the free bytes found on the volume.</summary>
    public long AvailableBytes { get; init; }
}
