namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Another program changed a partial blob while this downloader was writing it: it truncated, extended, renamed or
/// replaced <c>blobs/{etag}.incomplete</c> without taking huggingface_hub's lock (the <c>@huggingface/hub</c> npm
/// package does so). The download stops writing and waits for that program instead of racing it.
/// </summary>
internal sealed class ForeignWriterException : Exception
{
    public ForeignWriterException()
    {
    }

    public ForeignWriterException(string message)
        : base(message)
    {
    }

    public ForeignWriterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
