using System.Buffers.Text;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>
/// Checks an <c>image_url</c> part's URL: only <c>data:image/...;base64,...</c> URLs are accepted (the server fetches
/// nothing from the network); the media type comes from the URL. Pure: no I/O.
/// </summary>
internal static class ImageDataUrl
{
    /// <summary>Checks <paramref name="url"/> and returns its media type, for example <c>image/png</c>.</summary>
    /// <param name="url">The part's <c>image_url.url</c>.</param>
    /// <param name="param">The field's name in errors, for example <c>messages[0].content[1].image_url.url</c>.</param>
    /// <returns>The media type.</returns>
    /// <exception cref="OpenAIRequestException">An http(s) or other non-data URL, a data URL without an image media type or base64 marker, or data that is not base64.</exception>
    public static string Validate(string url, string param)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            string scheme = url.Contains(':', StringComparison.Ordinal) ? url[..url.IndexOf(':', StringComparison.Ordinal)] : "no scheme";
            throw new OpenAIRequestException(
                $"'{param}' is a {scheme} URL; only data: URLs are accepted (data:image/png;base64,...): this server fetches nothing from the network.",
                param,
                "invalid_image_url");
        }

        int comma = url.IndexOf(',', StringComparison.Ordinal);
        string header = comma < 0 ? url["data:".Length..] : url["data:".Length..comma];
        string[] attributes = header.Split(';');
        string mediaType = attributes[0].Trim();
        if (comma < 0 || !attributes.Skip(1).Any(a => a.Trim().Equals("base64", StringComparison.OrdinalIgnoreCase)))
        {
            throw Malformed(param, "it must read data:<media type>;base64,<data>");
        }

        if (!mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || mediaType.Length == "image/".Length || mediaType.Contains(' ', StringComparison.Ordinal))
        {
            throw Malformed(param, $"its media type is '{mediaType}', not an image type such as image/png or image/jpeg");
        }

        var data = url.AsSpan(comma + 1);
        if (data.IsEmpty || !Base64.IsValid(data, out int bytes) || bytes == 0)
        {
            throw Malformed(param, "its data is not base64 or is empty");
        }

        return mediaType;
    }

    private static OpenAIRequestException Malformed(string param, string why) =>
        new($"'{param}' is not a valid data URL: {why}.", param, "invalid_image_url");
}
