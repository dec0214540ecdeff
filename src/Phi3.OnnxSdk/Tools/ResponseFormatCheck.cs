using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Checks a JSON answer against the whole response-format schema when the grammar enforced only part of it (relaxed
/// keywords, or a schema guidance could not compile): the streamed text is gathered and validated at the end of the
/// turn (<see cref="JsonSchemaValidator"/>). Not thread-safe: one instance per generation.
/// </summary>
internal sealed class ResponseFormatCheck
{
    private readonly JsonObject _schema;
    private readonly StringBuilder _answer = new();

    private ResponseFormatCheck(JsonObject schema) => _schema = schema;

    /// <summary>A check for <paramref name="responseFormat"/>, or <see langword="null"/> when the grammar enforces the whole schema (or there is none).</summary>
    public static ResponseFormatCheck? Create(ChatResponseFormat? responseFormat, bool relaxed) =>
        relaxed && responseFormat is ChatResponseFormatJson { Schema: { ValueKind: JsonValueKind.Object } schema }
            ? new ResponseFormatCheck((JsonObject)JsonNode.Parse(schema.GetRawText())!)
            : null;

    /// <summary>Takes the next piece of answer text (as shown to the caller).</summary>
    public void Append(string text) => _answer.Append(text);

    /// <summary>Ends the turn: the violations, one per line, or <see langword="null"/> when the answer satisfies the schema, is empty (a call turn) or was cut off.</summary>
    /// <param name="cutOff">Whether the turn ended at the token limit or a stop sequence (the JSON is then unfinished and not checked).</param>
    public string? Complete(bool cutOff)
    {
        string text = _answer.ToString();
        if (cutOff || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var errors = JsonSchemaValidator.Validate(_schema, document.RootElement);
            return errors.Count == 0 ? null : string.Join("\n", errors);
        }
        catch (JsonException ex)
        {
            return $"/: the answer is not JSON: {ex.Message}";
        }
        catch (ArgumentException ex)
        {
            return $"/: the answer could not be checked: {ex.Message}";
        }
    }
}
