using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>
/// The packages that bring an onnxruntime-genai native build to an app (src/Backends), and the messages that name
/// them: every hint the SDK prints about a missing provider speaks of the package to add.
/// </summary>
internal static class BackendPackages
{
    /// <summary>The CPU backend: the CPU build on Windows, Linux and macOS.</summary>
    public const string Cpu = "Phi3.OnnxSdk.Backend.Cpu";

    /// <summary>The CUDA backend: the CUDA build (also runs on the CPU) on Windows and Linux x64.</summary>
    public const string Cuda = "Phi3.OnnxSdk.Backend.Cuda";

    /// <summary>The DirectML backend: the DirectML build (also runs on the CPU) on Windows.</summary>
    public const string DirectML = "Phi3.OnnxSdk.Backend.DirectML";

    /// <summary>What to do when the CUDA build is not in the app.</summary>
    public const string AddCuda = $"add the package {Cuda} in place of {Cpu}";

    /// <summary>What to do when the DirectML build is not in the app.</summary>
    public const string AddDirectML = $"add the package {DirectML} in place of {Cpu}";

    /// <summary>Returns the exception for an app whose onnxruntime-genai native library does not load.</summary>
    /// <param name="modelPath">The model being loaded.</param>
    /// <param name="inner">The loader's failure.</param>
    private static Phi3ModelException NativeMissing(string modelPath, Exception inner) => new(
        modelPath,
        "The onnxruntime-genai native library could not be loaded, so no model can run. Phi3.OnnxSdk carries no native " +
        $"runtime: add exactly one backend package to the app, {Cpu} (CPU), {Cuda} (NVIDIA GPUs) or {DirectML} " +
        $"(DirectX 12 GPUs on Windows), for example 'dotnet add package {Cpu} --prerelease'. Loader: {inner.Message}",
        inner);

    /// <summary>
    /// Loads the onnxruntime-genai native library the way its P/Invokes do, before the first of them, so that an app
    /// without a backend package gets <see cref="NativeMissing"/> instead of a <see cref="DllNotFoundException"/>.
    /// </summary>
    /// <param name="modelPath">The model about to be loaded, for the exception.</param>
    /// <exception cref="Phi3ModelException">The library cannot be loaded.</exception>
    public static void EnsureNativeLoads(string modelPath)
    {
        if (s_nativeLoaded)
        {
            return;
        }

        try
        {
            NativeLibrary.Load("onnxruntime-genai", typeof(Microsoft.ML.OnnxRuntimeGenAI.Model).Assembly, searchPath: null);
            s_nativeLoaded = true;
        }
        catch (DllNotFoundException ex)
        {
            throw NativeMissing(modelPath, ex);
        }
    }

    private static volatile bool s_nativeLoaded;
}
