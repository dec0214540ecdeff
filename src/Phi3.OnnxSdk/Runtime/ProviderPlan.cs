namespace Phi3.OnnxSdk.Runtime;

/// <summary>The provider settings <see cref="GenAIConfigFactory"/> applies to a Config, worked out before any native call.</summary>
/// <param name="ProviderName">The onnxruntime-genai provider name to append, or <see langword="null"/> for the CPU (an empty provider list).</param>
/// <param name="Options">The provider options in the order they are set; a later value for a key wins.</param>
internal sealed record ProviderPlan(string? ProviderName, IReadOnlyList<KeyValuePair<string, string>> Options);
