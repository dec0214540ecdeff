using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Builds the guidance that constrains a Phi-3 answer: a plain answer, a JSON answer for a response format, or
/// <see cref="ToolCallFormat.CallMarker"/> followed by a JSON array of calls whose arguments match each tool's schema.
/// </summary>
internal static class ToolGrammarBuilder
{
    /// <summary>Builds the guidance for a request.</summary>
    /// <param name="tools">The callable tools (ignored when <paramref name="mode"/> is <see cref="ChatToolMode.None"/>).</param>
    /// <param name="mode">The tool mode; <see langword="null"/> means <see cref="ChatToolMode.Auto"/>.</param>
    /// <param name="responseFormat">The response format; <see langword="null"/> or text means a plain answer.</param>
    /// <param name="maxParallelCalls">The most calls one answer may hold (1 or more).</param>
    /// <returns>The guidance, or <see langword="null"/> when the answer is unconstrained plain text.</returns>
    /// <exception cref="ArgumentException"><paramref name="mode"/> requires a tool that is not in <paramref name="tools"/>, or requires a call but there are no tools.</exception>
    /// <param name="responseFallback">How much of the response-format schema the grammar enforces.</param>
    public static ToolGuidance? Build(IReadOnlyList<ToolDefinition> tools, ChatToolMode? mode, ChatResponseFormat? responseFormat, int maxParallelCalls = ToolCallFormat.DefaultMaxParallelCalls, ToolSchemaFallback responseFallback = ToolSchemaFallback.Full)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelCalls, 1);
        var answerSchema = BuildResponseSchema(responseFormat, new List<SchemaRelaxation>(), responseFallback);
        if (tools.Count == 0 || mode is NoneChatToolMode)
        {
            if (mode is RequiredChatToolMode)
            {
                throw new ArgumentException("ToolMode requires a tool call, but ChatOptions.Tools is empty: add the tools or use ChatToolMode.Auto.", nameof(mode));
            }

            return answerSchema is null ? null : new ToolGuidance(ToolGuidance.JsonSchemaType, answerSchema.ToJsonString());
        }

        var callable = SelectCallable(tools, mode);
        var callsSchema = BuildCallsSchema(callable, maxParallelCalls);
        var grammar = new StringBuilder();
        grammar.Append("%llguidance {}\n");
        if (mode is RequiredChatToolMode)
        {
            grammar.Append("start: calls\n");
        }
        else
        {
            grammar.Append("start: answer | calls\n");
            if (answerSchema is null)
            {
                // Any non-empty text that holds the call marker nowhere: a call is a turn of its own, so a marker after
                // some text would reach the user as markup (the parser reads calls only at the start of a turn).
                grammar.Append("answer: TEXT\n");
                grammar.Append("TEXT: /(?s:.+)/ & ~/(?s:.*").Append(ToolCallFormat.CallMarker).Append(".*)/\n");
            }
            else
            {
                grammar.Append("answer: %json ").Append(answerSchema.ToJsonString()).Append('\n');
            }
        }

        grammar.Append("calls: \"").Append(ToolCallFormat.CallMarker).Append("\" call_list\n");
        grammar.Append("call_list: %json ").Append(callsSchema.ToJsonString()).Append('\n');
        return new ToolGuidance(ToolGuidance.LarkGrammarType, grammar.ToString());
    }

    /// <summary>The tools a call may name under <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentException">The required tool is not in <paramref name="tools"/>.</exception>
    public static IReadOnlyList<ToolDefinition> SelectCallable(IReadOnlyList<ToolDefinition> tools, ChatToolMode? mode)
    {
        ArgumentNullException.ThrowIfNull(tools);
        if (mode is RequiredChatToolMode { RequiredFunctionName: { } required })
        {
            var match = tools.FirstOrDefault(t => t.Name == required);
            return match is null
                ? throw new ArgumentException(
                    $"ToolMode requires the tool '{required}', but ChatOptions.Tools holds only: {string.Join(", ", tools.Select(t => $"'{t.Name}'"))}. Add it or name one of those.",
                    nameof(mode))
                : [match];
        }

        return tools;
    }

    /// <summary>
    /// The JSON schema of a tool-call array: 1 to <paramref name="maxParallelCalls"/> objects
    /// <c>{"name": const, "arguments": tool schema}</c>, with the SDK's compact-JSON guidance options.
    /// </summary>
    public static JsonObject BuildCallsSchema(IReadOnlyList<ToolDefinition> tools, int maxParallelCalls)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentOutOfRangeException.ThrowIfZero(tools.Count);
        var variants = new JsonArray();
        for (int i = 0; i < tools.Count; i++)
        {
            string path = tools.Count == 1 ? "/items/properties/arguments" : $"/items/anyOf/{i.ToString(CultureInfo.InvariantCulture)}/properties/arguments";
            variants.Add(BuildCallSchema(tools[i], path));
        }

        return new JsonObject
        {
            ["type"] = "array",
            ["minItems"] = 1,
            ["maxItems"] = maxParallelCalls,
            ["items"] = tools.Count == 1 ? variants[0]!.DeepClone() : new JsonObject { ["anyOf"] = variants },
            ["x-guidance"] = ToolCallFormat.CreateGuidanceJsonOptions(),
        };
    }

    /// <summary>
    /// The JSON schema of the answer for <paramref name="responseFormat"/>, with the SDK's compact-JSON guidance options,
    /// or <see langword="null"/> for plain text. JSON without a schema means any JSON object.
    /// </summary>
    /// <param name="responseFormat">The response format.</param>
    /// <param name="relaxations">
    /// When not <see langword="null"/>, keywords guidance cannot enforce are relaxed (<see cref="SchemaRelaxer"/>) and
    /// listed here: the schema for the grammar. When <see langword="null"/>, the schema is kept whole: the one shown to the model.
    /// </param>
    /// <param name="fallback">
    /// With <paramref name="relaxations"/>, how much of the schema the grammar enforces (<see cref="ToolGuidanceValidator"/>
    /// lowers it for a schema guidance cannot compile): <see cref="ToolSchemaFallback.AnyObject"/> is any JSON object
    /// (any JSON value when the schema is not an object schema).
    /// </param>
    /// <exception cref="Phi3ToolSchemaException">The response-format schema is not a JSON object, or applies itself to the same value (a <c>$ref</c> cycle).</exception>
    public static JsonObject? BuildResponseSchema(ChatResponseFormat? responseFormat, ICollection<SchemaRelaxation>? relaxations = null, ToolSchemaFallback fallback = ToolSchemaFallback.Full)
    {
        if (responseFormat is not ChatResponseFormatJson json)
        {
            return null;
        }

        JsonObject schema;
        if (json.Schema is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True)
        {
            schema = new JsonObject { ["type"] = "object" };
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            schema = (JsonObject)JsonNode.Parse(element.GetRawText())!;
        }
        else
        {
            throw new Phi3ToolSchemaException(null,
                $"The JSON response-format schema{(json.SchemaName is null ? string.Empty : $" '{json.SchemaName}'")} is a JSON {element.ValueKind}, not a JSON Schema object.", null);
        }

        if (SchemaCycleFinder.Find(schema) is { } cycle)
        {
            throw new Phi3ToolSchemaException(null,
                $"The JSON response-format schema{(json.SchemaName is null ? string.Empty : $" '{json.SchemaName}'")} refers to itself at '{cycle}' without stepping into a property or item, so no answer can be checked against it: break the $ref/allOf cycle.", null);
        }

        schema.Remove("$schema");
        if (relaxations is not null && fallback == ToolSchemaFallback.AnyObject)
        {
            relaxations.Add(new SchemaRelaxation(null, string.Empty, SchemaRelaxation.WholeSchema, schema.ToJsonString()));
            bool isObject = schema["type"] is not { } type || type.ToJsonString() == "\"object\"";
            schema = isObject ? new JsonObject { ["type"] = "object" } : new JsonObject();
        }
        else if (relaxations is not null)
        {
            schema = SchemaRelaxer.Relax(schema, null, withoutPatterns: fallback == ToolSchemaFallback.WithoutPatterns, relaxations);
        }

        CloseObjects(schema);
        if (!schema.ContainsKey("x-guidance"))
        {
            schema["x-guidance"] = ToolCallFormat.CreateGuidanceJsonOptions();
        }

        return schema;
    }

    /// <summary>
    /// The schema the grammar enforces for <paramref name="tool"/>'s arguments at its <see cref="ToolDefinition.Fallback"/>,
    /// before references are rebased; what it leaves out is added to <paramref name="relaxations"/>.
    /// </summary>
    public static JsonObject BuildArgumentsSchema(ToolDefinition tool, ICollection<SchemaRelaxation> relaxations)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(relaxations);
        if (tool.Fallback == ToolSchemaFallback.AnyObject)
        {
            relaxations.Add(new SchemaRelaxation(tool.Name, string.Empty, SchemaRelaxation.WholeSchema, tool.Parameters.ToJsonString()));
            return new JsonObject { ["type"] = "object" };
        }

        var arguments = SchemaRelaxer.Relax(tool.Parameters, tool.Name, tool.Fallback == ToolSchemaFallback.WithoutPatterns, relaxations);
        arguments.Remove("$schema");
        arguments.Remove("x-guidance");
        CloseObjects(arguments);
        return arguments;
    }

    private static JsonObject BuildCallSchema(ToolDefinition tool, string argumentsPath)
    {
        var arguments = BuildArgumentsSchema(tool, new List<SchemaRelaxation>());
        RebaseReferences(arguments, "#" + argumentsPath);
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["name"] = new JsonObject { ["const"] = tool.Name },
                ["arguments"] = arguments,
            },
            ["required"] = new JsonArray("name", "arguments"),
            ["additionalProperties"] = false,
        };
    }

    /// <summary>
    /// Object schemas with <c>properties</c> but no <c>additionalProperties</c> get <c>"additionalProperties": false</c>
    /// (as OpenAI's strict mode requires): only declared keys, since extra keys would be free-form JSON that a model can
    /// spin out forever. <c>allOf</c> branches are left open so they still compose.
    /// </summary>
    internal static void CloseObjects(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject && !schema.ContainsKey("additionalProperties") && !schema.ContainsKey("patternProperties"))
        {
            schema["additionalProperties"] = false;
        }

        foreach (var (key, value) in schema.ToList())
        {
            switch (key)
            {
                case "properties" or "$defs" or "definitions" or "patternProperties" or "dependentSchemas" when value is JsonObject map:
                    foreach (var (_, child) in map)
                    {
                        CloseObjects(child);
                    }

                    break;
                case "anyOf" or "oneOf" or "prefixItems" or "items" when value is JsonArray list:
                    foreach (var child in list)
                    {
                        CloseObjects(child);
                    }

                    break;
                case "items" or "additionalProperties" or "not" or "if" or "then" or "else" or "contains":
                    CloseObjects(value);
                    break;
            }
        }
    }

    /// <summary>Local <c>$ref</c>s (<c>#/...</c>) point into the tool's own schema; prefix them with where that schema now sits.</summary>
    private static void RebaseReferences(JsonNode node, string prefix)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value?.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { } reference && reference.StartsWith('#'))
                    {
                        obj[key] = prefix + reference[1..];
                    }
                    else if (value is not null)
                    {
                        RebaseReferences(value, prefix);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        RebaseReferences(item, prefix);
                    }
                }

                break;
        }
    }
}
