using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>The resolved settings of one request: what the generator is created with, and the client-side limits.</summary>
internal sealed class GenerationSettings
{
    public GenerationSettings(
        int maxOutputTokens,
        IReadOnlyList<string> stopSequences,
        IReadOnlyDictionary<string, double> numbers,
        IReadOnlyDictionary<string, bool> flags,
        string? guidanceType,
        string? guidanceData)
    {
        MaxOutputTokens = maxOutputTokens;
        StopSequences = stopSequences;
        SearchNumbers = numbers;
        SearchFlags = flags;
        GuidanceType = guidanceType;
        GuidanceData = guidanceData;
        var key = new StringBuilder();
        foreach (var pair in numbers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            key.Append(pair.Key).Append('=').Append(pair.Value.ToString("R", CultureInfo.InvariantCulture)).Append(';');
        }

        foreach (var pair in flags.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            key.Append(pair.Key).Append('=').Append(pair.Value).Append(';');
        }

        GeneratorKey = key.ToString();
    }

    /// <summary>Gets the maximum number of tokens to generate.</summary>
    public int MaxOutputTokens { get; }

    /// <summary>Gets the stop sequences (non-empty strings).</summary>
    public IReadOnlyList<string> StopSequences { get; }

    /// <summary>Gets the numeric search options (onnxruntime-genai names), max_length excluded.</summary>
    public IReadOnlyDictionary<string, double> SearchNumbers { get; }

    /// <summary>Gets the boolean search options.</summary>
    public IReadOnlyDictionary<string, bool> SearchFlags { get; }

    /// <summary>Gets the guidance type (<c>json_schema</c>, <c>regex</c>, <c>lark_grammar</c>) or <see langword="null"/>.</summary>
    public string? GuidanceType { get; }

    /// <summary>Gets the guidance data.</summary>
    public string? GuidanceData { get; }

    /// <summary>Gets a key equal for settings that create interchangeable generators (max_length aside).</summary>
    public string GeneratorKey { get; }

    /// <summary>
    /// Gets a value indicating whether a generator made with these settings may keep and share its KV cache: greedy and
    /// unguided only (a sampler's random state and a grammar's parser state cannot be rewound).
    /// </summary>
    public bool AllowsKvReuse => GuidanceType is null && !SearchFlags.GetValueOrDefault("do_sample");

    /// <summary>Applies the settings to <paramref name="parameters"/> with the given KV buffer length.</summary>
    public void Apply(GeneratorParams parameters, int maxLength)
    {
        parameters.SetSearchOption("max_length", maxLength);
        foreach (var pair in SearchNumbers)
        {
            parameters.SetSearchOption(pair.Key, pair.Value);
        }

        foreach (var pair in SearchFlags)
        {
            parameters.SetSearchOption(pair.Key, pair.Value);
        }

        if (GuidanceType is not null)
        {
            parameters.SetGuidance(GuidanceType, GuidanceData!, false);
        }
    }
}
