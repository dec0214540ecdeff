namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>The console as a dotnet tool: installed from the feed into a temporary tool path, it is the phi3 command.</summary>
[Collection(PackedFeedGroup.Name)]
public sealed class ToolPackageTests(PackedFeed feed)
{
    [Fact]
    public async Task Install_FromTheFeed_GivesAPhi3CommandWhoseHelpAndModelsWork()
    {
        string tools = Path.Combine(feed.Root, "tools");
        var (installed, installOutput) = await DotNet.RunAsync(
            "dotnet", feed.Root, feed.Environment, "tool", "install", "Phi3.OnnxSdk.Cli", "--tool-path", tools, "--version", feed.Version);
        Assert.True(installed == 0, installOutput);
        string phi3 = Path.Combine(tools, OperatingSystem.IsWindows() ? "phi3.exe" : "phi3");
        Assert.True(File.Exists(phi3), installOutput);

        var (helpCode, help) = await DotNet.RunAsync(phi3, feed.Root, feed.Environment, "--help");
        Assert.True(helpCode == 0, help);
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
        Assert.Contains("phi3 [command] [options]", help, StringComparison.Ordinal);

        var (modelsCode, models) = await DotNet.RunAsync(phi3, feed.Root, feed.Environment, "models", "--assume", "cuda:24GB");
        Assert.True(modelsCode == 0, models);
        Assert.Contains("Pick: phi-3-mini-128k-instruct/cuda-fp16", models, StringComparison.Ordinal);

        // The installed tool runs models too: its natives came with it.
        var (chatCode, chat) = await DotNet.RunAsync(phi3, feed.Root, feed.Environment, "chat", "--model-path", feed.Model, "-n", "3", "--no-stats", "Hello");
        Assert.True(chatCode == 0, chat);
    }
}
