namespace Phi3.OnnxSdk.VisionProbe;

/// <summary>One raw-runtime run: a prompt, its images, and how many tokens to generate greedily.</summary>
/// <param name="Name">Names the case in the output.</param>
/// <param name="Prompt">The prompt with <c>&lt;|image_N|&gt;</c> tags, passed to <c>MultiModalProcessor.ProcessImages</c>.</param>
/// <param name="ImageFiles">Loaded together with <c>Images.Load(string[])</c>; none means no <c>Images</c> at all.</param>
/// <param name="ImageBytesFile">When set, its bytes are loaded with <c>Images.Load(byte[])</c> instead of the files.</param>
/// <param name="NewTokens">Greedy tokens to generate after the prompt.</param>
/// <param name="AppendTokens">Skip the processor: encode the prompt with the tokenizer and call <c>Generator.AppendTokens</c>.</param>
/// <param name="MaxLength">The <c>max_length</c> search option: room for the prompt (images included) and the new tokens.</param>
public sealed record ProbeCase(
    string Name,
    string Prompt,
    IReadOnlyList<string>? ImageFiles = null,
    string? ImageBytesFile = null,
    int NewTokens = 8,
    bool AppendTokens = false,
    int MaxLength = 8192);
