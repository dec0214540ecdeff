using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Phi3.OnnxSdk.SemanticKernel;

/// <summary>
/// Typed Semantic Kernel execution settings for the Phi-3 connector. Each property has the JSON name Semantic Kernel
/// maps onto <see cref="Microsoft.Extensions.AI.ChatOptions"/>, so the same values can come from a prompt template's
/// <c>execution_settings</c> or a plain <see cref="PromptExecutionSettings.ExtensionData"/> dictionary.
/// A <see langword="null"/> property leaves the client's default (<see cref="Phi3ChatClientOptions"/>).
/// </summary>
/// <remarks>Not thread-safe to mutate; <see cref="PromptExecutionSettings.Freeze"/> makes it read-only (setters then throw <see cref="InvalidOperationException"/>).</remarks>
public sealed class Phi3PromptExecutionSettings : PromptExecutionSettings
{
    private float? _temperature;
    private float? _topP;
    private int? _topK;
    private long? _seed;
    private int? _maxTokens;
    private IList<string>? _stopSequences;
    private object? _responseFormat;

    /// <summary>Gets or sets the sampling temperature; 0 or <see langword="null"/> is greedy unless the client sets one.</summary>
    [JsonPropertyName("temperature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? Temperature
    {
        get => _temperature;
        set => Set(ref _temperature, value);
    }

    /// <summary>Gets or sets the nucleus-sampling probability, in (0, 1].</summary>
    [JsonPropertyName("top_p")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? TopP
    {
        get => _topP;
        set => Set(ref _topP, value);
    }

    /// <summary>Gets or sets top-k, at least 1.</summary>
    [JsonPropertyName("top_k")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TopK
    {
        get => _topK;
        set => Set(ref _topK, value);
    }

    /// <summary>Gets or sets the random seed for sampling.</summary>
    [JsonPropertyName("seed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seed
    {
        get => _seed;
        set => Set(ref _seed, value);
    }

    /// <summary>Gets or sets the maximum number of generated tokens.</summary>
    [JsonPropertyName("max_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxTokens
    {
        get => _maxTokens;
        set => Set(ref _maxTokens, value);
    }

    /// <summary>Gets or sets sequences that end the answer; the answer stops before the first one that appears.</summary>
    [JsonPropertyName("stop_sequences")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? StopSequences
    {
        get => _stopSequences;
        set => Set(ref _stopSequences, value);
    }

    /// <summary>
    /// Gets or sets the response format: <c>"text"</c>, <c>"json_object"</c> (any JSON object, enforced by guidance), or a
    /// <see cref="System.Text.Json.JsonElement"/> holding a JSON schema the answer must match.
    /// </summary>
    [JsonPropertyName("response_format")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? ResponseFormat
    {
        get => _responseFormat;
        set => Set(ref _responseFormat, value);
    }

    /// <inheritdoc />
    public override PromptExecutionSettings Clone() => new Phi3PromptExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        Seed = Seed,
        MaxTokens = MaxTokens,
        StopSequences = StopSequences is null ? null : [.. StopSequences],
        ResponseFormat = ResponseFormat,
    };

    /// <inheritdoc />
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        if (_stopSequences is not null)
        {
            _stopSequences = _stopSequences.AsReadOnly();
        }

        base.Freeze();
    }

    private void Set<T>(ref T field, T value)
    {
        ThrowIfFrozen();
        field = value;
    }
}
