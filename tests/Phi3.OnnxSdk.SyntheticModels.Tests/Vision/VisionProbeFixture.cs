using System.Text.RegularExpressions;
using Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;
using Phi3.OnnxSdk.VisionProbe;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Vision;

/// <summary>
/// Runs every well-formed vision case on tiny-vision once, in one child process, through the raw
/// onnxruntime-genai 0.18 API; the tests read its results. Also knows the text part of each prompt's
/// token count (the tokenizer, in this process: text only, nothing that decodes an image).
/// </summary>
public sealed partial class VisionProbeFixture : IDisposable
{
    public const string OneImagePrompt = "<|user|>\n<|image_1|>\nWhat is in the picture?<|end|>\n<|assistant|>\n";
    public const string TwoImagePrompt = "<|user|>\n<|image_1|>\n<|image_2|>\nHow do they differ?<|end|>\n<|assistant|>\n";
    public const string TextPrompt = "<|user|>\nHow are you?<|end|>\n<|assistant|>\n";
    public const string JpegFixture = "landscape-320x240.jpg";
    public const int NewTokens = 12;

    /// <summary>The PNG cases: name, width, height and the pattern seed (another seed is another picture).</summary>
    public static readonly TheoryData<string, int, int, int> Sizes = new()
    {
        { "square", 336, 336, 1 },
        { "square-other", 336, 336, 2 },
        { "landscape", 1344, 1008, 3 },
        { "portrait", 500, 900, 4 },
        { "large", 4000, 3000, 5 },
        { "wide", 2000, 60, 6 },
        { "tall", 60, 2000, 7 },
    };

    private readonly TempFolder _images = new();

    public VisionProbeFixture()
    {
        ModelFolder = TestModelCache.GetOrBuild("tiny-vision");
        var files = new Dictionary<string, string>();
        var cases = new List<ProbeCase>();
        foreach (var row in Sizes)
        {
            (string name, int width, int height, int seed) = ((string)row[0], (int)row[1], (int)row[2], (int)row[3]);
            files[name] = SyntheticImages.PngFile(_images.Path, width, height, seed);
            cases.Add(new ProbeCase(name, OneImagePrompt, [files[name]], NewTokens: NewTokens));
        }

        string jpeg = ImagePath(JpegFixture);
        cases.AddRange(
        [
            new ProbeCase("square-again", OneImagePrompt, [files["square"]], NewTokens: NewTokens),
            new ProbeCase("square-bytes", OneImagePrompt, ImageBytesFile: files["square"], NewTokens: NewTokens),
            new ProbeCase("jpeg", OneImagePrompt, [jpeg], NewTokens: NewTokens),
            new ProbeCase("jpeg-bytes", OneImagePrompt, ImageBytesFile: jpeg, NewTokens: NewTokens),
            new ProbeCase("two", TwoImagePrompt, [files["square"], files["landscape"]], NewTokens: NewTokens),
            new ProbeCase("two-swapped", TwoImagePrompt, [files["landscape"], files["square"]], NewTokens: NewTokens),
            new ProbeCase("text-processor", TextPrompt, NewTokens: NewTokens),
            new ProbeCase("text-append", TextPrompt, NewTokens: NewTokens, AppendTokens: true),
        ]);
        Run = VisionProbeProcess.Run(ModelFolder, cases, stepTimeout: TimeSpan.FromMinutes(2));
    }

    public string ModelFolder { get; }

    public VisionProbeRun Run { get; }

    /// <summary>The path of a committed test image in Vision/Images.</summary>
    public static string ImagePath(string name) => Path.Combine(AppContext.BaseDirectory, "Vision", "Images", name);

    /// <summary>
    /// The prompt's text tokens as the processor counts them: it splits the prompt at every
    /// <c>&lt;|image_N|&gt;</c> tag and encodes each piece on its own.
    /// </summary>
    public int TextTokens(string prompt)
    {
        using var model = new Model(ModelFolder);
        using var tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(model);
        int count = 0;
        foreach (string chunk in ImageTag().Split(prompt))
        {
            using var sequences = tokenizer.Encode(chunk);
            count += sequences[0].Length;
        }

        return count;
    }

    public void Dispose() => _images.Dispose();

    [GeneratedRegex(@"<\|image_\d+\|>")]
    private static partial Regex ImageTag();
}
