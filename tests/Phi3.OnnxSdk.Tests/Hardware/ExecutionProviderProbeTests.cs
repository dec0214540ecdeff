using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Tests.Hardware;

public sealed class ExecutionProviderProbeTests
{
    private static readonly string AddOn = OperatingSystem.IsWindows() ? "onnxruntime-genai-cuda.dll" : "libonnxruntime-genai-cuda.so";
    private static readonly string CudaProvider = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";

    [Fact]
    public void Probe_DefaultDirectories_FindTheGenAINativeLibrary()
    {
        var notes = new List<string>();

        var availability = ExecutionProviderProbe.Probe(ExecutionProviderProbe.DefaultDirectories(), includeSearchPath: false, notes);

        Assert.Contains("genai library at ", availability.CudaDetail);
        Assert.DoesNotContain(notes, n => n.Contains("native library was not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Probe_NoCudaLibraries_ReportsBothMissing()
    {
        var folder = Directory.CreateTempSubdirectory("phi3-ep-");
        try
        {
            var availability = ExecutionProviderProbe.Probe([folder.FullName], includeSearchPath: false, []);

            Assert.False(availability.Cuda);
            Assert.Contains($"{AddOn} and {CudaProvider} not found", availability.CudaDetail);
            Assert.Contains("add the package Phi3.OnnxSdk.Backend.Cuda", availability.CudaDetail);
            Assert.DoesNotContain("Phi3Runtime", availability.CudaDetail);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Probe_CudaLibrariesThatCannotLoad_ReportsUnavailableWithLoaderMessage()
    {
        var folder = Directory.CreateTempSubdirectory("phi3-ep-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, AddOn), "not a library");
            File.WriteAllText(Path.Combine(folder.FullName, CudaProvider), "not a library");

            var availability = ExecutionProviderProbe.Probe([folder.FullName], includeSearchPath: false, []);

            Assert.False(availability.Cuda);
            Assert.Contains("is present but does not load", availability.CudaDetail);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Probe_FolderWithoutDirectML_ReportsDirectMLUnavailable()
    {
        var folder = Directory.CreateTempSubdirectory("phi3-ep-");
        try
        {
            var availability = ExecutionProviderProbe.Probe([folder.FullName], includeSearchPath: false, []);

            Assert.False(availability.DirectML);
            Assert.Contains(OperatingSystem.IsWindows() ? "DirectML.dll not found" : "DirectML exists only on Windows", availability.DirectMLDetail);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
