using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.SemanticKernel.Tests;

/// <summary>One request as the Phi-3 client saw it, and what it answered.</summary>
internal sealed record CapturedCall(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, UsageDetails? Usage, string Text);
