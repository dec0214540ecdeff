using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using static Phi3.OnnxSdk.Server.Mapping.RequestJson;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>
/// Maps the request's <c>messages</c> to Microsoft.Extensions.AI messages. Each message is checked here (role, content
/// shape, tool call ids), then read by the official OpenAI package's model and converted by Microsoft.Extensions.AI.OpenAI
/// (<see cref="MicrosoftExtensionsAIChatExtensions.AsChatMessages"/>): tool calls become <see cref="FunctionCallContent"/>,
/// tool messages <see cref="FunctionResultContent"/>, text parts <see cref="TextContent"/>, image parts (data: URLs only)
/// <see cref="DataContent"/>.
/// </summary>
internal static class ChatMessageMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool"];

    /// <exception cref="OpenAIRequestException">The list is missing or empty, or a message is malformed.</exception>
    public static List<Microsoft.Extensions.AI.ChatMessage> Map(JsonElement request)
    {
        if (!TryGet(request, "messages", out var messages))
        {
            throw new OpenAIRequestException("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw TypeError("messages", "an array", messages);
        }

        if (messages.GetArrayLength() == 0)
        {
            throw new OpenAIRequestException("'messages' must hold at least one message.", "messages", "empty_array");
        }

        var read = new List<OpenAI.Chat.ChatMessage>(messages.GetArrayLength());
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            Validate(message, string.Create(CultureInfo.InvariantCulture, $"messages[{index++}]"));
            read.Add(ModelReaderWriter.Read<OpenAI.Chat.ChatMessage>(BinaryData.FromString(message.GetRawText()))!);
        }

        var mapped = read.AsChatMessages().ToList();
        foreach (var converted in mapped)
        {
            BareImageMediaTypes(converted.Contents);
        }

        return mapped;
    }

    /// <summary>Drops a data URL's parameters (<c>image/jpeg;name=cat.jpg</c>) from the media type, which clients compare to <c>image/jpeg</c>.</summary>
    private static void BareImageMediaTypes(IList<AIContent> contents)
    {
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is DataContent image && image.MediaType.IndexOf(';', StringComparison.Ordinal) is > 0 and int semicolon)
            {
                contents[i] = new DataContent(image.Data, image.MediaType[..semicolon].Trim())
                {
                    AdditionalProperties = image.AdditionalProperties,
                    RawRepresentation = image.RawRepresentation,
                };
            }
        }
    }

    private static void Validate(JsonElement message, string param)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw TypeError(param, "an object", message);
        }

        string role = RequiredString(message, "role", param + ".role");
        if (!s_roles.Contains(role))
        {
            throw new OpenAIRequestException(
                $"'{param}.role' is '{role}'; it must be one of system, developer, user, assistant or tool.", param + ".role", "invalid_value");
        }

        bool hasCalls = role == "assistant" && ValidateToolCalls(message, param);
        if (!TryGet(message, "content", out var content))
        {
            if (!hasCalls)
            {
                throw new OpenAIRequestException($"Missing required parameter: '{param}.content'.", param + ".content", "missing_required_parameter");
            }
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            int part = 0;
            foreach (var item in content.EnumerateArray())
            {
                ValidatePart(item, role, string.Create(CultureInfo.InvariantCulture, $"{param}.content[{part++}]"));
            }
        }
        else if (content.ValueKind != JsonValueKind.String)
        {
            throw TypeError(param + ".content", "a string or an array of content parts", content);
        }

        if (role == "tool")
        {
            RequiredString(message, "tool_call_id", param + ".tool_call_id");
        }

        OptionalString(message, "name", param + ".name");
    }

    private static void ValidatePart(JsonElement part, string role, string param)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw TypeError(param, "an object", part);
        }

        string type = RequiredString(part, "type", param + ".type");
        switch (type)
        {
            case "text":
                RequiredString(part, "text", param + ".text");
                break;
            case "image_url" when role == "user":
                // Vision: a data: URL becomes DataContent (its bytes and media type), and the chat client decides: a text
                // model's client refuses it (NotSupportedException, answered with 400), a vision model's takes it. Its size
                // counts toward the body limit; the image's own checks (format, dimensions) belong to the client.
                ImageDataUrl.Validate(RequiredString(RequiredObject(part, "image_url", param + ".image_url"), "url", param + ".image_url.url"), param + ".image_url.url");
                break;
            case "refusal" when role == "assistant":
                RequiredString(part, "refusal", param + ".refusal");
                break;
            default:
                throw new OpenAIRequestException(
                    $"'{param}.type' is '{type}', which a {role} message cannot hold here; use text parts{(role == "user" ? " or image_url parts" : string.Empty)}.",
                    param + ".type",
                    "invalid_value");
        }
    }

    private static bool ValidateToolCalls(JsonElement message, string param)
    {
        if (!TryGet(message, "tool_calls", out var calls))
        {
            return false;
        }

        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw TypeError(param + ".tool_calls", "an array", calls);
        }

        int index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            string at = string.Create(CultureInfo.InvariantCulture, $"{param}.tool_calls[{index++}]");
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw TypeError(at, "an object", call);
            }

            RequiredString(call, "id", at + ".id");
            if (OptionalString(call, "type", at + ".type") is { } type && type != "function")
            {
                throw new OpenAIRequestException($"'{at}.type' is '{type}'; only function calls are supported.", at + ".type", "invalid_value");
            }

            var function = RequiredObject(call, "function", at + ".function");
            RequiredString(function, "name", at + ".function.name");
            string arguments = RequiredString(function, "arguments", at + ".function.arguments");
            if (!IsJsonObject(arguments))
            {
                throw new OpenAIRequestException($"'{at}.function.arguments' must be a JSON object written as a string, for example \"{{\\\"city\\\":\\\"Oslo\\\"}}\".", at + ".function.arguments", "invalid_value");
            }
        }

        return index > 0;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
