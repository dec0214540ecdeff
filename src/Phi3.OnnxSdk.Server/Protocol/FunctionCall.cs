namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>The function a tool call names, with its arguments as a JSON string.</summary>
internal sealed class FunctionCall
{
    public required string Name { get; init; }

    public required string Arguments { get; init; }
}
