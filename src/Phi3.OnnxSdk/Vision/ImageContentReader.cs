using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// Recognizes the message contents that are images: <see cref="DataContent"/> with an <c>image/*</c> media type, and
/// <see cref="UriContent"/> with an <c>image/*</c> media type and a <c>file:</c> URI (read from disk). Stateless and
/// thread-safe.
/// </summary>
internal static class ImageContentReader
{
    /// <summary>Gets whether <paramref name="content"/> is an image content (whether or not it can be read).</summary>
    public static bool IsImage(AIContent content) => content switch
    {
        DataContent data => data.HasTopLevelMediaType("image"),
        UriContent uri => uri.HasTopLevelMediaType("image"),
        _ => false,
    };

    /// <summary>Reads the image's bytes; <paramref name="number"/> (1-based, over the conversation) names it in messages.</summary>
    /// <exception cref="NotSupportedException">A <see cref="UriContent"/> whose URI is not a <c>file:</c> URI.</exception>
    /// <exception cref="ArgumentException">The file does not exist or cannot be read.</exception>
    public static EncodedImage Read(AIContent content, int number)
    {
        switch (content)
        {
            case DataContent data:
                return new EncodedImage(data.Data, data.MediaType, $"image {number} (DataContent {data.MediaType}, {data.Data.Length} bytes)");
            case UriContent { Uri: { IsAbsoluteUri: true, IsFile: true } uri } file:
                string path = uri.LocalPath;
                string source = $"image {number} ({file.MediaType} file '{path}')";
                try
                {
                    return new EncodedImage(File.ReadAllBytes(path), file.MediaType, source);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw ImageErrors.Invalid($"The {source} cannot be read: {ex.Message}", ex);
                }

            case UriContent other:
                throw new NotSupportedException(
                    $"Image {number} is a UriContent with the URI '{other.Uri}'; the local client reads only file: URIs. Download the image and send it as DataContent, or pass a file: URI.");
            default:
                throw new ArgumentException($"Content {content.GetType().Name} is not an image.", nameof(content));
        }
    }
}
