namespace Phi3.OnnxSdk.Chat;

/// <summary>The context check of a built prompt, before any native call. Stateless and thread-safe.</summary>
internal static class PromptLimits
{
    /// <summary>Checks that a prompt of <paramref name="length"/> tokens (image placeholders included) leaves room for one output token.</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public static void EnsureFits(int length, Vision.ImagePlaceholders images, int contextLength)
    {
        if (length < contextLength)
        {
            return;
        }

        string imagePart = images.Count == 0 ? string.Empty : $" ({images.Tokens} of them for {images.Count} images)";
        throw Vision.ImageErrors.Invalid(
            $"The prompt is {length} tokens{imagePart} but the model's context is {contextLength} tokens, which must hold the prompt and at least one output token. Shorten the conversation.");
    }
}
