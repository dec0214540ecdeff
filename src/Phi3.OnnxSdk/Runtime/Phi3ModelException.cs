namespace Phi3.OnnxSdk;

/// <summary>
/// Thrown when a Phi-3 model folder cannot be loaded: the folder or one of its files is missing,
/// <c>genai_config.json</c> is malformed, an ONNX file is empty, truncated or not an ONNX model,
/// or onnxruntime-genai refused the model.
/// </summary>
/// <remarks>
/// <see cref="Path"/> names the folder or file at fault; the message says what is wrong and what to do.
/// Where onnxruntime-genai itself failed, <see cref="Exception.InnerException"/> holds its exception.
/// </remarks>
public sealed class Phi3ModelException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="Phi3ModelException"/> class.</summary>
    public Phi3ModelException()
        : base("The Phi-3 model could not be loaded.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Phi3ModelException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public Phi3ModelException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Phi3ModelException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public Phi3ModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Phi3ModelException"/> class.</summary>
    /// <param name="path">The folder or file at fault.</param>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public Phi3ModelException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>Gets the folder or file at fault, or <see langword="null"/> when not known.</summary>
    public string? Path { get; }
}
