using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>
/// Finds which onnxruntime-genai execution providers can load: the CUDA add-on
/// (<c>onnxruntime-genai-cuda</c>) with ONNX Runtime's CUDA provider, and DirectML.dll beside the genai library.
/// </summary>
internal static class ExecutionProviderProbe
{
    /// <summary>Probes <paramref name="directories"/> (and, for CUDA, the OS library path) for provider libraries.</summary>
    public static ExecutionProviderAvailability Probe(IReadOnlyList<string> directories, bool includeSearchPath, List<string> notes)
    {
        var windows = OperatingSystem.IsWindows();
        var genaiName = windows ? "onnxruntime-genai.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime-genai.dylib" : "libonnxruntime-genai.so";
        var genai = Find(genaiName, directories);
        var where = genai is null ? "the genai native library was not found in the application folders" : $"genai library at {genai}";

        bool cuda;
        string cudaDetail;
        if (OperatingSystem.IsMacOS())
        {
            (cuda, cudaDetail) = (false, "CUDA does not exist on macOS");
        }
        else
        {
            var cudaDirectories = includeSearchPath ? directories.Concat(SearchPath()).ToList() : directories;
            var addOnName = windows ? "onnxruntime-genai-cuda.dll" : "libonnxruntime-genai-cuda.so";
            var providerName = windows ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
            var addOn = Find(addOnName, cudaDirectories);
            var provider = Find(providerName, cudaDirectories);
            if (addOn is null || provider is null)
            {
                var missing = string.Join(" and ", new[] { addOn is null ? addOnName : null, provider is null ? providerName : null }.OfType<string>());
                (cuda, cudaDetail) = (false, $"{missing} not found ({where}); {BackendPackages.AddCuda}");
            }
            else if (TryLoad(addOn, out var error))
            {
                (cuda, cudaDetail) = (true, $"{addOn} and {provider} load");
            }
            else
            {
                (cuda, cudaDetail) = (false, $"{addOn} is present but does not load ({error}); install the CUDA 12 runtime and cuDNN 9 libraries");
            }
        }

        bool directML;
        string directMLDetail;
        if (!windows)
        {
            (directML, directMLDetail) = (false, "DirectML exists only on Windows");
        }
        else if (Find("DirectML.dll", directories) is { } dml)
        {
            // Only a DirectML.dll shipped beside the app counts: the copy in System32 is there whatever genai build is installed.
            (directML, directMLDetail) = (true, $"{dml} found ({where})");
        }
        else
        {
            (directML, directMLDetail) = (false, $"DirectML.dll not found beside the application ({where}); {BackendPackages.AddDirectML}");
        }

        if (genai is null)
        {
            notes.Add("the onnxruntime-genai native library was not found in " + string.Join(", ", directories));
        }

        return new ExecutionProviderAvailability { Cuda = cuda, CudaDetail = cudaDetail, DirectML = directML, DirectMLDetail = directMLDetail };
    }

    /// <summary>The folders the .NET host searches for the application's native libraries.</summary>
    public static List<string> DefaultDirectories()
    {
        var directories = new List<string>();
        var managed = typeof(Microsoft.ML.OnnxRuntimeGenAI.Model).Assembly.Location;
        if (!string.IsNullOrEmpty(managed))
        {
            directories.Add(Path.GetDirectoryName(managed)!);
        }

        directories.Add(AppContext.BaseDirectory);
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string hostDirectories)
        {
            directories.AddRange(hostDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        directories.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", $"{os}-{arch}", "native"));
        return [.. directories.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct(StringComparer.Ordinal)];
    }

    private static string[] SearchPath()
    {
        var variable = OperatingSystem.IsWindows() ? "PATH" : "LD_LIBRARY_PATH";
        return (Environment.GetEnvironmentVariable(variable) ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? Find(string fileName, IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            try
            {
                var candidate = Path.Combine(directory, fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            catch (ArgumentException)
            {
                // A malformed entry on PATH or LD_LIBRARY_PATH: skip it.
            }
        }

        return null;
    }

    private static bool TryLoad(string path, out string error)
    {
        try
        {
            // Left loaded on success: onnxruntime-genai loads the same file when the provider is used.
            NativeLibrary.Load(path);
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            error = ex.Message;
            return false;
        }
    }
}
