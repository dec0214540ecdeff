namespace Phi3.OnnxSdk.Chat;

/// <summary>One validated request: prompt ids, settings and the ids stamped on its updates.</summary>
internal sealed record GenerationRequest(int[] Prompt, GenerationSettings Settings, string ModelId, string ResponseId, string MessageId, DateTimeOffset CreatedAt, Tools.ToolCallingPlan Tools);
