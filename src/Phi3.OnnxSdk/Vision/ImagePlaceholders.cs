using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// Collects one request's images while its prompt is built and stands each one in the token ids by its placeholders:
/// image N (numbered 1, 2, ... in order of appearance over the conversation) takes as many ids <c>-N</c> as
/// <see cref="VisionTokenRule"/> gives for its size, read from its header, exactly what onnxruntime-genai's processor
/// makes of a <c>&lt;|image_N|&gt;</c> tag. Message text never becomes a placeholder: it is encoded as plain text. Used by
/// one request on one thread.
/// </summary>
internal sealed class ImagePlaceholders
{
    private readonly string _modelName;
    private readonly string _modelType;
    private readonly bool _acceptsImages;
    private readonly int _contextLength;
    private readonly List<EncodedImage> _images = [];

    /// <param name="modelName">The model's name, for the refusal of a text model.</param>
    /// <param name="modelType">genai_config.json's model type; images are taken by <c>phi3v</c>.</param>
    /// <param name="contextLength">The context length: placeholders beyond it are refused at once.</param>
    public ImagePlaceholders(string modelName, string modelType, int contextLength)
    {
        _modelName = modelName;
        _modelType = modelType;
        _acceptsImages = IsVisionModel(modelType);
        _contextLength = contextLength;
    }

    /// <summary>Gets the number of images collected.</summary>
    public int Count => _images.Count;

    /// <summary>Gets the prompt positions the images take together.</summary>
    public long Tokens { get; private set; }

    /// <summary>Gets whether a model of type <paramref name="modelType"/> takes images.</summary>
    public static bool IsVisionModel(string modelType) => string.Equals(modelType, "phi3v", StringComparison.OrdinalIgnoreCase);

    /// <summary>Appends the placeholders of the image <paramref name="content"/> of a message of <paramref name="role"/> to <paramref name="ids"/>.</summary>
    /// <exception cref="NotSupportedException">The model takes no images, the message is not a user message, or the image's media type or URI is not supported.</exception>
    /// <exception cref="ArgumentException">The image is not readable, too large or too elongated, or the prompt outgrows the context.</exception>
    public void Append(List<int> ids, AIContent content, ChatRole role)
    {
        if (!_acceptsImages)
        {
            throw new NotSupportedException(
                $"The model '{_modelName}' (type '{_modelType}') is a Phi-3 text model and cannot take images; a {role.Value} message holds {Describe(content)}. Use a Phi-3 vision model (Phi-3-vision-128k-instruct or Phi-3.5-vision-instruct), or send text only.");
        }

        if (role != ChatRole.User)
        {
            throw new NotSupportedException($"A {role.Value} message holds {Describe(content)}; Phi-3-vision takes images in user messages only.");
        }

        int number = _images.Count + 1;
        var image = ImageContentReader.Read(content, number);
        var (_, _, tokens) = ImageDecoder.ReadHeader(image);
        if ((long)ids.Count + tokens >= _contextLength)
        {
            throw ImageErrors.Invalid($"Image {number} takes {tokens} tokens and the prompt before it {ids.Count}; the model's context is {_contextLength} tokens, which must hold the prompt and at least one output token. Send fewer or less elongated images, or a shorter conversation.");
        }

        ids.AddRange(Enumerable.Repeat(-number, tokens));
        _images.Add(image);
        Tokens += tokens;
    }

    /// <summary>Decodes every collected image and re-encodes it as PNG (in safe code, before any native call of the runtime).</summary>
    /// <exception cref="ArgumentException">An image is damaged or truncated.</exception>
    public IReadOnlyList<VisionImage> Decode() => [.. _images.Select(ImageDecoder.ToPng)];

    private static string Describe(AIContent content) => content switch
    {
        DataContent data => $"a DataContent image ({data.MediaType})",
        UriContent uri => $"a UriContent image ({uri.MediaType})",
        _ => content.GetType().Name,
    };
}
