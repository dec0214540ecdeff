namespace Phi3.OnnxSdk.Catalog;

/// <summary>One ONNX build of a model family for one execution provider and precision.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ModelVariant
{
    /// <summary>Gets the catalog-wide identifier, <c>family/variant</c> (for example <c>phi-3-mini-128k-instruct/cuda-fp16</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the identifier of the family this variant belongs to.</summary>
    public required string Family { get; init; }

    /// <summary>Gets the short variant name, unique within the family (for example <c>cuda-fp16</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets other short names for the variant, unique within the family (for example <c>cuda-int4</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets where the variant's files come from.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>Gets the execution provider the variant is built for.</summary>
    public required ExecutionProvider Provider { get; init; }

    /// <summary>Gets the weight precision.</summary>
    public required WeightPrecision Precision { get; init; }

    /// <summary>Gets the quantization scheme (for example <c>rtn-block-32</c>), or <see langword="null"/>.</summary>
    public string? Quantization { get; init; }

    /// <summary>Gets the MatMulNBits accuracy level (4 means int8 compute on CPU), or <see langword="null"/> for the default.</summary>
    public int? AccuracyLevel { get; init; }

    /// <summary>Gets the variant's files relative to its folder.</summary>
    public IReadOnlyList<ModelFile> Files { get; init; } = [];

    /// <summary>Gets a value indicating whether <see cref="Files"/> lists the whole folder; when false, list the hub folder before downloading.</summary>
    public bool FileListComplete { get; init; }

    /// <summary>Gets the longest context the model supports, in tokens.</summary>
    public required int ContextLength { get; init; }

    /// <summary>Gets the bytes the weights take in RAM (CPU) or device memory (CUDA, DirectML).</summary>
    public required long WeightsBytes { get; init; }

    /// <summary>Gets the KV-cache bytes needed per token of context.</summary>
    public required long KvBytesPerToken { get; init; }

    /// <summary>Gets the inputs the variant accepts.</summary>
    public required ModelCapabilities Capabilities { get; init; }

    /// <summary>Gets the tokenizer family (for example <c>llama2-phi3</c> or <c>tiktoken-cl100k</c>).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>
    /// Gets onnxruntime-genai provider options by provider name (<c>cuda</c>, <c>dml</c>), applied after those of the
    /// variant's genai_config.json.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ProviderOptions { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Gets free-form notes (what is unverified, for instance), or <see langword="null"/>.</summary>
    public string? Notes { get; init; }

    /// <summary>Returns the variant identifier.</summary>
    /// <returns>The value of <see cref="Id"/>.</returns>
    public override string ToString() => Id;
}
