namespace Phi3.OnnxSdk.Runtime;

/// <summary>A graph node's operator and input names.</summary>
internal sealed record OnnxNodeInfo(string OpType, IReadOnlyList<string> Inputs);
