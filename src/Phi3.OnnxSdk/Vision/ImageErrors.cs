namespace Phi3.OnnxSdk.Vision;

/// <summary>The exceptions for bad images: an <see cref="ArgumentException"/> naming the request's messages, which hold the image.</summary>
internal static class ImageErrors
{
    private const string MessagesParameter = "messages";

    /// <summary>An image in the messages is unusable; <paramref name="message"/> says why and what to do.</summary>
    public static ArgumentException Invalid(string message, Exception? inner = null, string parameter = MessagesParameter) => new(message, parameter, inner);
}
