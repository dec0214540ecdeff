using System.Diagnostics.CodeAnalysis;

namespace Phi3.OnnxSdk.Catalog;

/// <summary>Maps <see cref="ExecutionProvider"/> to and from catalog and onnxruntime-genai names.</summary>
internal static class ProviderNames
{
    /// <summary>Gets the catalog name (<c>cpu</c>, <c>cuda</c>, <c>dml</c>), which is also onnxruntime-genai's provider name.</summary>
    public static string ToCatalogName(this ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => "cpu",
        ExecutionProvider.Cuda => "cuda",
        ExecutionProvider.DirectML => "dml",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider."),
    };

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>dml</c> or <c>directml</c>, ignoring case and surrounding spaces.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ExecutionProvider provider)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "CPU":
                provider = ExecutionProvider.Cpu;
                return true;
            case "CUDA":
                provider = ExecutionProvider.Cuda;
                return true;
            case "DML":
            case "DIRECTML":
                provider = ExecutionProvider.DirectML;
                return true;
            default:
                provider = default;
                return false;
        }
    }
}
