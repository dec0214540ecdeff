namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// One validated request: prompt ids (image placeholders included), settings, the ids stamped on its updates, and its
/// images as checked PNGs with their key (their hashes in order; empty when none).
/// </summary>
internal sealed record GenerationRequest(int[] Prompt, GenerationSettings Settings, string ModelId, string ResponseId, string MessageId, DateTimeOffset CreatedAt, Tools.ToolCallingPlan Tools)
{
    /// <summary>Gets the request's images, in placeholder order.</summary>
    public IReadOnlyList<Vision.VisionImage> Images { get; init; } = [];

    /// <summary>Gets the images' hashes joined in order: the cache key of the images a session holds.</summary>
    public string ImageKey => string.Join(',', Images.Select(i => i.Hash));
}
