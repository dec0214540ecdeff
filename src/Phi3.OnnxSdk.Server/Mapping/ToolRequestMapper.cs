using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using static Phi3.OnnxSdk.Server.Mapping.RequestJson;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>Maps <c>tools</c>, <c>tool_choice</c>, <c>parallel_tool_calls</c> and <c>response_format</c> onto <see cref="ChatOptions"/>.</summary>
internal static partial class ToolRequestMapper
{
    private static readonly JsonElement s_emptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    /// <exception cref="OpenAIRequestException">A field is malformed, or the tool choice names a tool that is not offered.</exception>
    public static void Apply(JsonElement request, ChatOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (TryGet(request, "tools", out var tools))
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                throw TypeError("tools", "an array", tools);
            }

            options.Tools = [];
            int index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var declaration = ReadTool(tool, string.Create(CultureInfo.InvariantCulture, $"tools[{index++}]"));
                if (!names.Add(declaration.Name))
                {
                    throw new OpenAIRequestException($"Two tools are named '{declaration.Name}'; tool names must be unique.", "tools", "invalid_value");
                }

                options.Tools.Add(declaration);
            }
        }

        options.ToolMode = ReadToolChoice(request, names);
        options.AllowMultipleToolCalls = OptionalBool(request, "parallel_tool_calls", "parallel_tool_calls");
        options.ResponseFormat = ReadResponseFormat(request);
    }

    private static AIFunctionDeclaration ReadTool(JsonElement tool, string param)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            throw TypeError(param, "an object", tool);
        }

        string type = RequiredString(tool, "type", param + ".type");
        if (type != "function")
        {
            throw new OpenAIRequestException($"'{param}.type' is '{type}'; only function tools are supported.", param + ".type", "invalid_value");
        }

        var function = RequiredObject(tool, "function", param + ".function");
        string name = RequiredString(function, "name", param + ".function.name");
        if (!ToolName().IsMatch(name))
        {
            throw new OpenAIRequestException($"'{param}.function.name' is '{name}'; it must be 1 to 64 letters, digits, underscores or dashes.", param + ".function.name", "invalid_value");
        }

        string? description = OptionalString(function, "description", param + ".function.description");
        var parameters = s_emptyParameters;
        if (TryGet(function, "parameters", out var schema))
        {
            parameters = schema.ValueKind == JsonValueKind.Object ? schema.Clone() : throw TypeError(param + ".function.parameters", "a JSON Schema object", schema);
        }

        OptionalBool(function, "strict", param + ".function.strict");
        return AIFunctionFactory.CreateDeclaration(name, description, parameters);
    }

    private static ChatToolMode? ReadToolChoice(JsonElement request, HashSet<string> names)
    {
        if (!TryGet(request, "tool_choice", out var choice))
        {
            return null;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" when names.Count > 0 => ChatToolMode.RequireAny,
                "required" => throw new OpenAIRequestException("'tool_choice' is 'required' but the request offers no tools.", "tool_choice", "invalid_value"),
                var other => throw new OpenAIRequestException($"'tool_choice' is '{other}'; use none, auto, required or {{\"type\":\"function\",\"function\":{{\"name\":...}}}}.", "tool_choice", "invalid_value"),
            };
        }

        if (choice.ValueKind != JsonValueKind.Object)
        {
            throw TypeError("tool_choice", "a string or an object", choice);
        }

        string type = RequiredString(choice, "type", "tool_choice.type");
        if (type != "function")
        {
            throw new OpenAIRequestException($"'tool_choice.type' is '{type}'; only function is supported.", "tool_choice.type", "invalid_value");
        }

        string name = RequiredString(RequiredObject(choice, "function", "tool_choice.function"), "name", "tool_choice.function.name");
        return names.Contains(name)
            ? ChatToolMode.RequireSpecific(name)
            : throw new OpenAIRequestException($"'tool_choice' names the function '{name}', which is not in 'tools'.", "tool_choice.function.name", "invalid_value");
    }

    private static ChatResponseFormat? ReadResponseFormat(JsonElement request)
    {
        if (!TryGet(request, "response_format", out var format))
        {
            return null;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            throw TypeError("response_format", "an object", format);
        }

        string type = RequiredString(format, "type", "response_format.type");
        switch (type)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                var spec = RequiredObject(format, "json_schema", "response_format.json_schema");
                string name = RequiredString(spec, "name", "response_format.json_schema.name");
                string? description = OptionalString(spec, "description", "response_format.json_schema.description");
                OptionalBool(spec, "strict", "response_format.json_schema.strict");
                var schema = RequiredObject(spec, "schema", "response_format.json_schema.schema").Clone();
                return ChatResponseFormat.ForJsonSchema(schema, name, description);
            default:
                throw new OpenAIRequestException($"'response_format.type' is '{type}'; use text, json_object or json_schema.", "response_format.type", "invalid_value");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ToolName();
}
