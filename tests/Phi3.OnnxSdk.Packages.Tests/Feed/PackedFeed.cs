using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>
/// Packs every package of the repository once into a local folder feed (with stand-ins for the GPU native packages
/// this network does not serve), then does what a newcomer does with it: builds new apps that reference the packages
/// (one restore and build of all of them together), runs them, and installs the tool into a temporary tool path.
/// The tests read what happened. NuGet is isolated: its own package folder (the machine's folder serves third-party
/// packages read-only), the feed first and the machine's configured sources for the rest; the packages get a version
/// of their own per run, so nothing stale is ever picked up.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public const string RepositoryUrl = "https://git.example/phi3-onnxsdk";
    public const string GenAIVersion = "0.18.0";

    public PackedFeed()
    {
        Root = Directory.CreateTempSubdirectory("phi3-packages-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Version = $"0.1.0-preview.1.test.{DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
        Model = TestModelCache.GetOrBuild("tiny");
        Environment = IsolatedNuGet();

        Pack().GetAwaiter().GetResult();
        StandInPackage.Write(Feed, "Microsoft.ML.OnnxRuntimeGenAI.Cuda", GenAIVersion,
        [
            "runtimes/linux-x64/native/libonnxruntime-genai.so", "runtimes/linux-x64/native/libonnxruntime-genai-cuda.so",
            "runtimes/win-x64/native/onnxruntime-genai.dll", "runtimes/win-x64/native/onnxruntime-genai-cuda.dll",
        ]);
        StandInPackage.Write(Feed, "Microsoft.ML.OnnxRuntimeGenAI.DirectML", GenAIVersion,
            ["runtimes/win-x64/native/onnxruntime-genai.dll", "runtimes/win-arm64/native/onnxruntime-genai.dll"]);

        Apps = new ConsumerApps(this);
        Apps.BuildAllAsync().GetAwaiter().GetResult();
    }

    /// <summary>Gets the repository's root folder.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Gets the configuration the tests (and so the projects they pack) were built in.</summary>
    public static string Configuration { get; } = typeof(PackedFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public string Root { get; }

    public string Feed { get; }

    /// <summary>Gets the version every package of this run has.</summary>
    public string Version { get; }

    /// <summary>Gets the synthetic tiny model the apps run.</summary>
    public string Model { get; }

    /// <summary>Gets the environment of every dotnet command run against the feed.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>Gets the apps built from the feed.</summary>
    public ConsumerApps Apps { get; }

    /// <summary>Gets the output of the pack.</summary>
    public string PackOutput { get; private set; } = string.Empty;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process still holds a file: the temporary folder stays behind.
        }
    }

    /// <summary>The path of a file in the feed.</summary>
    public string Package(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Phi3.OnnxSdk.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Phi3.OnnxSdk.sln above {AppContext.BaseDirectory}: the packaging tests run from the repository.");
    }

    private Dictionary<string, string?> IsolatedNuGet()
    {
        string machinePackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        // No <clear/>: the machine's configured sources stay, for the third-party packages.
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="phi3-feed" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        return new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages"),
            ["DOTNET_CLI_HOME"] = Path.Combine(Root, "home"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["NO_COLOR"] = "1",
            ["HF_HUB_OFFLINE"] = "1",
            ["PHI3_MODEL"] = null,
            ["PHI3_PROVIDER"] = null,
            ["PHI3_VARIANT"] = null,
        };
    }

    private async Task Pack()
    {
        string[] projects =
        [
            "src/Phi3.OnnxSdk/Phi3.OnnxSdk.csproj",
            "src/Backends/Phi3.OnnxSdk.Backend.Cpu/Phi3.OnnxSdk.Backend.Cpu.csproj",
            "src/Backends/Phi3.OnnxSdk.Backend.Cuda/Phi3.OnnxSdk.Backend.Cuda.csproj",
            "src/Backends/Phi3.OnnxSdk.Backend.DirectML/Phi3.OnnxSdk.Backend.DirectML.csproj",
            "src/Phi3.OnnxSdk.SemanticKernel/Phi3.OnnxSdk.SemanticKernel.csproj",
            "src/Phi3.OnnxSdk.SyntheticModels/Phi3.OnnxSdk.SyntheticModels.csproj",
            "src/Phi3.OnnxSdk.Cli/Phi3.OnnxSdk.Cli.csproj",
        ];
        string suffix = Version[(Version.IndexOf('-', StringComparison.Ordinal) + 1)..];
        string rid = RuntimeInformation.RuntimeIdentifier;

        // One MSBuild process packs them all from the builds the test run already made (NoBuild). The tool carries
        // this platform's natives only (Phi3ToolRuntimes): 24 MB instead of the 83 MB of the desktop set, packed in seconds.
        string traversal = Path.Combine(Root, "pack.proj");
        string items = string.Join(' ', projects.Select(p => $"<Packable Include=\"{Path.Combine(RepositoryRoot, p)}\" />"));
        File.WriteAllText(traversal, $"""
            <Project>
              <ItemGroup>
                {items}
              </ItemGroup>
              <Target Name="Pack">
                <MSBuild Projects="@(Packable)" Targets="Pack" BuildInParallel="true"
                         Properties="Configuration={Configuration};NoBuild=true;PackageOutputPath={Feed};VersionSuffix={suffix};RepositoryUrl={RepositoryUrl};Phi3ToolRuntimes={rid}" />
              </Target>
            </Project>
            """);
        var environment = new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1", ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_UI_LANGUAGE"] = "en" };
        var (exitCode, output) = await DotNet.RunAsync("dotnet", Root, environment, "msbuild", traversal, "-t:Pack", "-m", "-nologo", "-v:m");
        PackOutput = output;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Packing failed ({exitCode}); build the solution in {Configuration} first. {output}");
        }
    }
}

/// <summary>The one xunit collection of the packaging tests: they share one <see cref="PackedFeed"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedGroup : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
