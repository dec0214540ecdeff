namespace Phi3.OnnxSdk.VisionProbe;

/// <summary>What one <see cref="ProbeCase"/> gave, or the .NET exception the runtime threw.</summary>
/// <param name="Name">The case's name.</param>
/// <param name="InputTokens">The sequence length after the prompt went in (<c>Generator.TokenCount</c>).</param>
/// <param name="PlaceholderCounts">How many prompt positions hold each negative id, by id (-1 for <c>&lt;|image_1|&gt;</c>, ...).</param>
/// <param name="PlaceholderOrder">The distinct negative ids in the order they appear in the sequence.</param>
/// <param name="Generated">The greedy tokens generated after the prompt.</param>
/// <param name="Error">The exception type and message, when the runtime threw instead.</param>
public sealed record ProbeResult(
    string Name,
    int InputTokens,
    IReadOnlyDictionary<int, int> PlaceholderCounts,
    IReadOnlyList<int> PlaceholderOrder,
    IReadOnlyList<int> Generated,
    string? Error);
