using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>
/// The synthetic tiny-vision (phi3v) model, loaded once for a test class, with PNG test images on disk and the raw
/// onnxruntime-genai loop (MultiModalProcessor + Generator) as the reference. PNG bytes are safe in process: the runtime's
/// PNG path reports errors as exceptions (docs/vision.md).
/// </summary>
public sealed class VisionModelFixture : IDisposable
{
    /// <summary>The text of the questions the tests ask about an image.</summary>
    public const string Question = "What is in the picture?";

    private readonly string _images = Path.Combine(Path.GetTempPath(), "phi3-vision-tests-" + Guid.NewGuid().ToString("N"));

    private Task<DataContent>? _roundTripping;

    public VisionModelFixture()
    {
        Folder = TestModelCache.GetOrBuild("tiny-vision");
        Model = new Phi3Model(Folder);
        Directory.CreateDirectory(_images);
    }

    public string Folder { get; }

    public Phi3Model Model { get; }

    /// <summary>A synthetic PNG of the given size; the seed decides its pixels.</summary>
    public static DataContent Image(int width, int height, int seed = 1) => new(SyntheticImages.Png(width, height, seed), "image/png");

    /// <summary>The path of a PNG file with the pixels of <see cref="Image"/>.</summary>
    public string ImageFile(int width, int height, int seed = 1) => SyntheticImages.PngFile(_images, width, height, seed);

    /// <summary>Greedy options with few output tokens.</summary>
    public static ChatOptions Greedy(int maxTokens = 6) => new() { MaxOutputTokens = maxTokens };

    /// <summary>
    /// The first of a few images whose greedy answer to <see cref="Question"/> survives decode and encode: random weights
    /// answer with pieces that often re-encode differently, and a phi3v session, which cannot rewind, is reused only
    /// when the next prompt holds all its ids. A real model's answers are words, which round-trip.
    /// </summary>
    /// <remarks>Found once per fixture (for <paramref name="maxTokens"/> of the first call).</remarks>
    public Task<DataContent> RoundTrippingImageAsync(int maxTokens)
    {
        lock (_images)
        {
            return _roundTripping ??= FindRoundTrippingImageAsync(maxTokens);
        }
    }

    private async Task<DataContent> FindRoundTrippingImageAsync(int maxTokens)
    {
        using var client = new Phi3ChatClient(Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        for (int seed = 1; seed <= 24; seed++)
        {
            var image = Image(336, 336, seed);
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [image, new TextContent(Question)])], Greedy(maxTokens));
            using var encoded = Model.Tokenizer.Encode(response.Text.TrimStart());
            if (response.FinishReason == ChatFinishReason.Length && encoded[0].ToArray().SequenceEqual((int[])response.RawRepresentation!))
            {
                return image;
            }
        }

        throw new InvalidOperationException("No image among 24 gave an answer that re-encodes to its ids.");
    }

    /// <summary>
    /// The raw loop: <paramref name="prompt"/> (with <c>&lt;|image_N|&gt;</c> tags) and image files through the
    /// runtime's processor, then greedy generation; the sequence's length after SetInputs is the input token count.
    /// </summary>
    public (int InputTokens, int[] Generated) GenerateRaw(string prompt, string[] imageFiles, int maxTokens)
    {
        var model = Model.Model;
        using var processor = new MultiModalProcessor(model);
        using var images = imageFiles.Length == 0 ? null : Images.Load(imageFiles);
        using var inputs = processor.ProcessImages(prompt, images);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", Model.ContextLength);
        using var generator = new Generator(model, parameters);
        generator.SetInputs(inputs);
        int input = generator.GetSequence(0).Length;
        var ids = new List<int>();
        while (ids.Count < maxTokens && !generator.IsDone())
        {
            generator.GenerateNextToken();
            int next = generator.GetNextTokens()[0];
            if (Model.EosTokenIds.Contains(next))
            {
                break;
            }

            ids.Add(next);
        }

        return (input, [.. ids]);
    }

    /// <summary>The tokens the runtime gives the text of <paramref name="prompt"/> around its image tags (each piece encoded alone, as ProcessImages does).</summary>
    public int TextTokens(string prompt)
    {
        int count = 0;
        foreach (string piece in System.Text.RegularExpressions.Regex.Split(prompt, @"<\|image_\d+\|>"))
        {
            using var sequences = Model.Tokenizer.Encode(piece);
            count += sequences[0].Length;
        }

        return count;
    }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(_images, recursive: true);
    }
}
