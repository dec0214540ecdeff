using Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;
using Phi3.OnnxSdk.VisionProbe;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Vision;

/// <summary>
/// Runs the malformed inputs that the 0.18 runtime turns into an OnnxRuntimeGenAIException, all in
/// one child process (a crash there fails every test that reads it, with the child's output).
/// </summary>
public sealed class VisionBadImageFixture : IDisposable
{
    /// <summary>6000 x 1: the HD transform resizes the short side to 0 pixels.</summary>
    public const int ElongatedWidth = 6000;

    private readonly TempFolder _images = new();

    public VisionBadImageFixture()
    {
        ModelFolder = TestModelCache.GetOrBuild("tiny-vision");
        string Write(string name, byte[] bytes)
        {
            string path = Path.Combine(_images.Path, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        byte[] png = SyntheticImages.Png(336, 336, 1);
        string square = Write("square.png", png);
        string prompt = VisionProbeFixture.OneImagePrompt;
        ProbeCase[] cases =
        [
            new("truncated-png", prompt, ImageBytesFile: Write("truncated.png", png[..(png.Length / 2)]), NewTokens: 1),
            new("empty-bytes", prompt, ImageBytesFile: Write("empty.png", []), NewTokens: 1),
            new("cmyk-jpeg", prompt, [VisionProbeFixture.ImagePath("cmyk-320x240.jpg")], NewTokens: 1),
            new("over-16384-pixels", prompt, [Write("huge.png", SyntheticImages.PngHeaderOnly(20000, 20000))], NewTokens: 1),
            new("too-elongated", prompt, [Write("elongated.png", SyntheticImages.Png(ElongatedWidth, 1, 1))], NewTokens: 1),
            new("tag-without-image", prompt, NewTokens: 1),
            new("image-without-tag", VisionProbeFixture.TextPrompt, [square], NewTokens: 1),
            new("tag-beyond-images", prompt.Replace("image_1", "image_2", StringComparison.Ordinal), [square], NewTokens: 1),
            new("repeated-tag", prompt.Replace("<|image_1|>", "<|image_1|><|image_1|>", StringComparison.Ordinal), [square], NewTokens: 1),
        ];
        Run = VisionProbeProcess.Run(ModelFolder, cases, stepTimeout: TimeSpan.FromMinutes(2));
    }

    public string ModelFolder { get; }

    public VisionProbeRun Run { get; }

    public void Dispose() => _images.Dispose();
}
