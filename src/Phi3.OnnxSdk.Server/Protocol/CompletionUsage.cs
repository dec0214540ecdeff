namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>Token counts of a completion.</summary>
internal sealed class CompletionUsage
{
    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long TotalTokens { get; init; }
}
