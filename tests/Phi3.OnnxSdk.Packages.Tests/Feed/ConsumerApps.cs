using System.Text.Json;

namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>
/// New apps outside the repository that take the packages from the feed as any developer would: a CPU app that
/// streams an answer, an app with no backend, a CUDA-route and a DirectML-route app, and an app with two backends.
/// All are restored and built by one <c>dotnet build</c> of a solution file; each build's output is kept.
/// </summary>
public sealed class ConsumerApps
{
    private const string StreamingProgram = """
        using Microsoft.Extensions.AI;
        using Phi3.OnnxSdk;

        using var chat = new Phi3ChatClient(args[0], new Phi3ChatClientOptions { MaxOutputTokens = 8 });
        int updates = 0;
        await foreach (var update in chat.GetStreamingResponseAsync("Hello"))
        {
            Console.Write(update.Text);
            updates++;
        }

        Console.WriteLine();
        Console.WriteLine($"updates: {updates}");
        """;

    private const string LoadingProgram = """
        using Phi3.OnnxSdk;

        try
        {
            using var chat = new Phi3ChatClient(args[0]);
            Console.WriteLine("loaded");
            return 0;
        }
        catch (Phi3ModelException ex)
        {
            Console.WriteLine($"Phi3ModelException: {ex.Message}");
            return 3;
        }
        """;

    private readonly PackedFeed _feed;
    private readonly string _folder;

    public ConsumerApps(PackedFeed feed)
    {
        _feed = feed;
        _folder = Directory.CreateDirectory(Path.Combine(feed.Root, "apps")).FullName;
    }

    public const string Cpu = "CpuApp";
    public const string NoBackend = "NoBackendApp";
    public const string Cuda = "CudaApp";
    public const string DirectML = "DirectMLApp";
    public const string TwoBackends = "TwoBackendsApp";

    /// <summary>Gets the exit code of the build of all the apps (non-zero: <see cref="TwoBackends"/> must fail).</summary>
    public int BuildExitCode { get; private set; }

    /// <summary>Gets the output of the build of all the apps.</summary>
    public string BuildOutput { get; private set; } = string.Empty;

    public string Folder(string app) => Path.Combine(_folder, app);

    /// <summary>Returns the build output lines that name <paramref name="app"/>'s project.</summary>
    public IEnumerable<string> BuildLines(string app) =>
        BuildOutput.Split('\n').Where(l => l.Contains($"{app}.csproj", StringComparison.Ordinal));

    /// <summary>Runs a built app with the synthetic model's folder as its argument.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string app) =>
        DotNet.RunAsync("dotnet", Folder(app), _feed.Environment, Path.Combine(Folder(app), "bin", "Debug", "net10.0", $"{app}.dll"), _feed.Model);

    /// <summary>Reads the ids of the packages in <paramref name="app"/>'s restored closure and the files each brings.</summary>
    public Dictionary<string, string[]> RestoredPackages(string app)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(app), "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(l => l.Value.GetProperty("type").GetString() == "package")
            .ToDictionary(
                l => l.Name[..l.Name.IndexOf('/', StringComparison.Ordinal)],
                l => l.Value.TryGetProperty("files", out var files) ? files.EnumerateArray().Select(f => f.GetString()!).ToArray() : [],
                StringComparer.OrdinalIgnoreCase);
    }

    public async Task BuildAllAsync()
    {
        Write(Cpu, StreamingProgram, ("Phi3.OnnxSdk.Backend.Cpu", _feed.Version));
        Write(NoBackend, LoadingProgram, ("Phi3.OnnxSdk", _feed.Version));
        Write(Cuda, StreamingProgram, ("Phi3.OnnxSdk.Backend.Cuda", _feed.Version));
        Write(DirectML, StreamingProgram, ("Phi3.OnnxSdk.Backend.DirectML", _feed.Version));
        Write(TwoBackends, StreamingProgram, ("Phi3.OnnxSdk.Backend.Cpu", _feed.Version), ("Phi3.OnnxSdk.Backend.Cuda", _feed.Version));
        string[] apps = [Cpu, NoBackend, Cuda, DirectML, TwoBackends];
        File.WriteAllText(Path.Combine(_folder, "apps.slnx"), $"""
            <Solution>
              {string.Join(' ', apps.Select(a => $"<Project Path=\"{a}/{a}.csproj\" />"))}
            </Solution>
            """);

        (BuildExitCode, BuildOutput) = await DotNet.RunAsync("dotnet", _folder, _feed.Environment, "build", "apps.slnx", "-nologo", "-v:m", "-tl:off", "-clp:NoSummary");
    }

    private void Write(string app, string program, params (string Id, string Version)[] packages)
    {
        string folder = Directory.CreateDirectory(Folder(app)).FullName;
        File.WriteAllText(Path.Combine(folder, "Program.cs"), program);
        File.WriteAllText(Path.Combine(folder, $"{app}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                {string.Join(' ', packages.Select(p => $"<PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />"))}
              </ItemGroup>
            </Project>
            """);
    }
}
