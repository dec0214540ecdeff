using System.IO.Compression;
using System.Xml.Linq;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>
/// The backend packages, consumed from the feed by new apps: each route restores exactly one onnxruntime-genai native
/// build; two backends stop the build; no backend gets a message naming the packages, at build time and at the load.
/// </summary>
[Collection(PackedFeedGroup.Name)]
public sealed class BackendPackageTests(PackedFeed feed)
{
    private static readonly string[] NativeNames = ["libonnxruntime-genai.so", "onnxruntime-genai.dll", "libonnxruntime-genai.dylib"];

    [Theory]
    [InlineData("Phi3.OnnxSdk", "Microsoft.ML.OnnxRuntimeGenAI.Managed")]
    [InlineData("Phi3.OnnxSdk.Backend.Cpu", "Microsoft.ML.OnnxRuntimeGenAI")]
    [InlineData("Phi3.OnnxSdk.Backend.Cuda", "Microsoft.ML.OnnxRuntimeGenAI.Cuda")]
    [InlineData("Phi3.OnnxSdk.Backend.DirectML", "Microsoft.ML.OnnxRuntimeGenAI.DirectML")]
    public void Nuspec_DependsOnExactlyOneOnnxRuntimeGenAIPackage(string id, string genai)
    {
        var dependencies = Dependencies(id);

        Assert.Equal([genai], dependencies.Keys.Where(d => d.StartsWith("Microsoft.ML.OnnxRuntimeGenAI", StringComparison.Ordinal)));
        Assert.Equal($"[{PackedFeed.GenAIVersion}]", dependencies[genai]);
        if (id != "Phi3.OnnxSdk")
        {
            // A backend is the core plus its native build, nothing else; the same version of the core.
            Assert.Equal(new[] { "Phi3.OnnxSdk", genai }.Order(), dependencies.Keys.Order());
            Assert.Equal($"[{feed.Version}]", dependencies["Phi3.OnnxSdk"]);
        }
    }

    [Theory]
    [InlineData(ConsumerApps.Cpu, "Microsoft.ML.OnnxRuntimeGenAI")]
    [InlineData(ConsumerApps.Cuda, "Microsoft.ML.OnnxRuntimeGenAI.Cuda")]
    [InlineData(ConsumerApps.DirectML, "Microsoft.ML.OnnxRuntimeGenAI.DirectML")]
    public void Route_RestoredClosure_HoldsExactlyOneNativeOnnxRuntimeGenAIPackage(string app, string expected)
    {
        var closure = feed.Apps.RestoredPackages(app);

        var natives = closure.Where(p => p.Value.Any(f => f.StartsWith("runtimes/", StringComparison.Ordinal) && NativeNames.Contains(Path.GetFileName(f)))).Select(p => p.Key);
        Assert.Equal([expected], natives);
        Assert.Contains("Phi3.OnnxSdk", closure.Keys);
        Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.Managed", closure.Keys);
        Assert.DoesNotContain(feed.Apps.BuildLines(app), l => l.Contains("PHI300", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoBackends_BuildFailsWithPHI3002NamingBothNativeBuildsAndTheBackends()
    {
        Assert.NotEqual(0, feed.Apps.BuildExitCode);
        string error = Assert.Single(feed.Apps.BuildLines(ConsumerApps.TwoBackends).Where(l => l.Contains("error PHI3002", StringComparison.Ordinal)).Distinct());
        Assert.Contains("2 onnxruntime-genai native builds (Microsoft.ML.OnnxRuntimeGenAI, Microsoft.ML.OnnxRuntimeGenAI.Cuda)", error, StringComparison.Ordinal);
        Assert.Contains("Reference exactly one backend package: Phi3.OnnxSdk.Backend.Cpu", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(feed.Apps.Folder(ConsumerApps.TwoBackends), "bin", "Debug", "net10.0", $"{ConsumerApps.TwoBackends}.dll")));
    }

    [Fact]
    public async Task NoBackend_BuildWarnsPHI3001AndTheFirstLoadThrowsNamingThePackages()
    {
        string warning = Assert.Single(feed.Apps.BuildLines(ConsumerApps.NoBackend).Where(l => l.Contains("warning PHI3001", StringComparison.Ordinal)).Distinct());
        Assert.Contains("dotnet add package Phi3.OnnxSdk.Backend.Cpu", warning, StringComparison.Ordinal);

        var (exitCode, output) = await feed.Apps.RunAsync(ConsumerApps.NoBackend);

        Assert.True(exitCode == 3, output);
        Assert.Contains("Phi3ModelException: The onnxruntime-genai native library could not be loaded", output, StringComparison.Ordinal);
        foreach (string package in new[] { "Phi3.OnnxSdk.Backend.Cpu", "Phi3.OnnxSdk.Backend.Cuda", "Phi3.OnnxSdk.Backend.DirectML" })
        {
            Assert.Contains(package, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CpuApp_OnePackage_StreamsTheAnswerTheSdkGivesInProcess()
    {
        Assert.DoesNotContain(feed.Apps.BuildLines(ConsumerApps.Cpu), l => l.Contains(": error ", StringComparison.Ordinal) || l.Contains(": warning ", StringComparison.Ordinal));
        using var chat = new Phi3ChatClient(feed.Model, new Phi3ChatClientOptions { MaxOutputTokens = 8 });
        string expected = (await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")])).Text;

        var (exitCode, output) = await feed.Apps.RunAsync(ConsumerApps.Cpu);

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n');
        Assert.Equal(expected, lines[0]);
        Assert.Matches(@"^updates: ([2-9]|\d\d+)$", lines[1]);
    }

    private Dictionary<string, string> Dependencies(string id)
    {
        using var zip = ZipFile.OpenRead(feed.Package(id));
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        return nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .GroupBy(e => (string)e.Attribute("id")!)
            .ToDictionary(g => g.Key, g => (string)g.First().Attribute("version")!);
    }
}
