using System.Diagnostics;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// The raw onnxruntime-genai path from image bytes to the first generated token, with no SDK code:
/// <c>Images.Load(bytes)</c>, <c>MultiModalProcessor.ProcessImages</c>, a Generator sized to the
/// prompt, <c>SetInputs</c> (vision, embedding and decoder prefill) and one <c>GenerateNextToken</c>.
/// The baseline a client's vision time to first token is paired with, in the same run.
/// </summary>
internal static class RawVisionFirstToken
{
    /// <summary>Runs the raw path once and times it.</summary>
    /// <param name="model">A loaded phi3v model.</param>
    /// <param name="processor">The model's processor.</param>
    /// <param name="prompt">The Phi-3 chat prompt with one <c>&lt;|image_1|&gt;</c> tag.</param>
    /// <param name="image">The PNG or JPEG bytes (only those two; see docs/vision.md).</param>
    /// <param name="maxLength">The <c>max_length</c>: room for the expanded prompt and the first token; the KV buffer is sized by it.</param>
    public static RawVisionTiming Measure(Model model, MultiModalProcessor processor, string prompt, byte[] image, int maxLength)
    {
        var watch = Stopwatch.StartNew();
        using var images = Images.Load(image);
        using var inputs = processor.ProcessImages(prompt, images);
        TimeSpan processed = watch.Elapsed;
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", maxLength);
        using var generator = new Generator(model, parameters);
        generator.SetInputs(inputs);
        int inputTokens = (int)generator.TokenCount();
        generator.GenerateNextToken();
        return new RawVisionTiming(watch.Elapsed, processed, inputTokens, generator.GetNextTokens()[0]);
    }
}
