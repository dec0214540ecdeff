namespace Phi3.OnnxSdk;

/// <summary>
/// Thrown when a tool's parameter schema (or a JSON response-format schema) is not a JSON Schema for an object, when
/// two tools share a name, or when onnxruntime-genai's guidance cannot compile a JSON response-format schema. A tool
/// schema guidance cannot compile does not throw: that tool's grammar is relaxed (docs/tool-calling.md, "Schema support").
/// </summary>
/// <remarks>The message names the tool and the cause; fix the schema (or the C# signature it came from) and retry.</remarks>
public sealed class Phi3ToolSchemaException : ArgumentException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public Phi3ToolSchemaException()
        : base("A tool schema is invalid or cannot be compiled by guidance.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public Phi3ToolSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Phi3ToolSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance naming the tool whose schema failed.</summary>
    /// <param name="toolName">The tool name, or <see langword="null"/> for the response-format schema.</param>
    /// <param name="message">The message (it should name the tool too).</param>
    /// <param name="innerException">The cause, if any.</param>
    public Phi3ToolSchemaException(string? toolName, string message, Exception? innerException)
        : base(message, innerException)
    {
        ToolName = toolName;
    }

    /// <summary>Gets the name of the tool whose schema failed, or <see langword="null"/> when the response-format schema failed.</summary>
    public string? ToolName { get; }
}
