using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>A tool the model may call: its name, description and the JSON schema of its arguments object.</summary>
/// <param name="Name">The function name the model writes in a call.</param>
/// <param name="Description">What the tool does, shown to the model; may be empty.</param>
/// <param name="Parameters">The arguments schema as the tool gave it, always an object schema (<c>"type": "object"</c>): shown to the model and checked after parsing.</param>
internal sealed record ToolDefinition(string Name, string Description, JsonObject Parameters)
{
    /// <summary>Gets how much of <see cref="Parameters"/> the grammar enforces (<see cref="ToolGuidanceValidator"/> lowers it for a schema guidance cannot compile).</summary>
    public ToolSchemaFallback Fallback { get; init; }

    /// <summary>Converts the tools of a request, checking names and schemas.</summary>
    /// <param name="tools">The request's tools.</param>
    /// <param name="requiredName">The tool <see cref="ChatToolMode.RequireSpecific"/> names, or <see langword="null"/>: that tool is never skipped.</param>
    /// <param name="skipped">
    /// Receives each tool left out (name, why): a schema that cannot be used, or a name an earlier tool already has (the
    /// first tool of a name wins). <see langword="null"/>: such a tool throws instead.
    /// </param>
    /// <returns>One definition per usable tool, in order.</returns>
    /// <exception cref="NotSupportedException">A tool is not an <see cref="AIFunctionDeclaration"/> and <paramref name="skipped"/> is <see langword="null"/> (with a list, such a tool is left out and listed).</exception>
    /// <exception cref="Phi3ToolSchemaException">
    /// A tool's name is empty or repeated, or its schema cannot be used, and either <paramref name="skipped"/> is
    /// <see langword="null"/> or the tool is <paramref name="requiredName"/> (the message names the tool and the cause).
    /// </exception>
    public static IReadOnlyList<ToolDefinition> FromTools(IEnumerable<AITool> tools, string? requiredName = null, ICollection<(string Tool, string Reason)>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var result = new List<ToolDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                if (skipped is not null && tool is not null)
                {
                    // Hosted tools (web search, code interpreter, MCP servers run by a service) have no local meaning:
                    // left out like an unusable schema, as other providers ignore tools they cannot offer.
                    skipped.Add((tool.Name, $"Tool '{tool.Name}' ({tool.GetType().Name}) is left out: Phi-3 runs locally and can only call functions (AIFunctionDeclaration, e.g. from AIFunctionFactory.Create)."));
                    continue;
                }

                throw new NotSupportedException(
                    $"Tool '{tool?.Name}' ({tool?.GetType().Name ?? "null"}) is not supported: Phi-3 runs locally and can only call functions (AIFunctionDeclaration, e.g. from AIFunctionFactory.Create).");
            }

            ToolDefinition definition;
            try
            {
                definition = From(function);
                if (names.Contains(definition.Name))
                {
                    throw new Phi3ToolSchemaException(definition.Name,
                        $"Two tools are named '{definition.Name}': tool names must be unique so a call can be routed; the first tool of that name is offered.", null);
                }
            }
            catch (Phi3ToolSchemaException ex) when (skipped is not null && (requiredName is null || ex.ToolName != requiredName))
            {
                skipped.Add((function.Name ?? string.Empty, ex.Message));
                continue;
            }

            names.Add(definition.Name);
            result.Add(definition);
        }

        return result;
    }

    /// <summary>Converts one function declaration, checking its name and schema.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="Phi3ToolSchemaException">The name is empty, or the schema is not an object schema, too deep to read, or applies itself to the same value (a <c>$ref</c> cycle).</exception>
    public static ToolDefinition From(AIFunctionDeclaration function)
    {
        ArgumentNullException.ThrowIfNull(function);
        string name = function.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new Phi3ToolSchemaException(name, "A tool has an empty name: give every function a name the model can call.", null);
        }

        return new ToolDefinition(name, function.Description ?? string.Empty, ParseParameters(name, function.JsonSchema));
    }

    /// <summary>Checks that <paramref name="schema"/> describes a JSON object and returns a mutable copy (the schema <c>true</c>, or none, is any object).</summary>
    internal static JsonObject ParseParameters(string toolName, JsonElement schema)
    {
        if (schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True)
        {
            return new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            throw new Phi3ToolSchemaException(toolName,
                $"Tool '{toolName}' has the parameter schema false, which no arguments satisfy, so it can never be called: give it an object schema.", null);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new Phi3ToolSchemaException(toolName,
                $"Tool '{toolName}' has a parameter schema that is a JSON {schema.ValueKind}, not a JSON Schema object: pass an object schema such as {{\"type\":\"object\",\"properties\":{{...}}}}.", null);
        }

        JsonObject copy;
        try
        {
            copy = (JsonObject)JsonNode.Parse(schema.GetRawText())!;
        }
        catch (JsonException ex)
        {
            throw new Phi3ToolSchemaException(toolName, $"Tool '{toolName}' has a parameter schema that cannot be read: {ex.Message}", ex);
        }

        if (copy["type"] is JsonNode type)
        {
            bool isObject = type.GetValueKind() switch
            {
                JsonValueKind.String => type.GetValue<string>() == "object",
                JsonValueKind.Array => type.AsArray().Any(t => t?.GetValueKind() == JsonValueKind.String && t.GetValue<string>() == "object"),
                _ => false,
            };
            if (!isObject)
            {
                throw new Phi3ToolSchemaException(toolName,
                    $"Tool '{toolName}' has a parameter schema of type {type.ToJsonString()}: tool arguments are a JSON object, so the schema's \"type\" must be \"object\".", null);
            }
        }

        copy["type"] = "object";
        if (copy["properties"] is JsonNode properties && properties.GetValueKind() != JsonValueKind.Object)
        {
            throw new Phi3ToolSchemaException(toolName, $"Tool '{toolName}' has a parameter schema whose \"properties\" is not a JSON object.", null);
        }

        if (copy["required"] is JsonNode required && required.GetValueKind() != JsonValueKind.Array)
        {
            throw new Phi3ToolSchemaException(toolName, $"Tool '{toolName}' has a parameter schema whose \"required\" is not a JSON array of property names.", null);
        }

        if (SchemaCycleFinder.Find(copy) is { } cycle)
        {
            throw new Phi3ToolSchemaException(toolName,
                $"Tool '{toolName}' has a parameter schema that refers to itself at '{cycle}' without stepping into a property or item, so no arguments can be checked against it: break the $ref/allOf cycle.", null);
        }

        return copy;
    }
}
