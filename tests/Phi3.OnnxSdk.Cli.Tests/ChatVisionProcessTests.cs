using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// Images through the real <c>phi3 chat</c> on the synthetic tiny-vision (phi3v) model: <c>--image</c> and <c>/image</c>
/// give the answer <see cref="Phi3ChatClient"/> gives in process for the same bytes and question (greedy, so equal),
/// and an image file whose bytes do not decode is one line of error, never a crash.
/// </summary>
public sealed class ChatVisionProcessTests : IDisposable
{
    private const string Tokens = "8";
    private const string Question = "What is in the picture?";
    private static readonly string s_model = TestModelCache.GetOrBuild("tiny-vision");

    private readonly string _folder = Directory.CreateTempSubdirectory("phi3-chat-vision-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<Phi3Result> OneShotAsync(params string[] extra) =>
        Phi3Process.RunAsync(string.Empty, ["chat", "--model-path", s_model, "--max-tokens", Tokens, "--no-stats", .. extra, Question]);

    private static Task<Phi3Result> ChatAsync(string stdin) =>
        Phi3Process.RunAsync(stdin, "chat", "--model-path", s_model, "--max-tokens", Tokens, "--no-stats");

    /// <summary>The in-process client's greedy answer to <see cref="Question"/> with the file's bytes, as the chat prints it.</summary>
    private static async Task<string> InProcessAnswerAsync(string imageFile)
    {
        using var model = new Phi3Model(s_model);
        using var client = new Phi3ChatClient(model);
        var image = new DataContent(await File.ReadAllBytesAsync(imageFile), "image/png");
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [image, new TextContent(Question)])], new ChatOptions { MaxOutputTokens = int.Parse(Tokens, System.Globalization.CultureInfo.InvariantCulture) });
        return response.Text + "\n";
    }

    [Fact]
    public async Task OneShot_Image_PrintsTheInProcessClientsAnswerAndAnotherImageAnswersDifferently()
    {
        string first = SyntheticImages.PngFile(_folder, 336, 336, seed: 1);
        string second = SyntheticImages.PngFile(_folder, 336, 336, seed: 2);

        var result = await OneShotAsync("--image", first);
        var other = await OneShotAsync("--image", second);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.True(result.Stdout.Trim().Length > 0, result.ToString());
        Assert.Equal(await InProcessAnswerAsync(first), result.Stdout);
        Assert.NotEqual(result.Stdout, other.Stdout);
    }

    [Fact]
    public async Task Interactive_ImageCommandThenMessage_AnswersAsTheOneShot()
    {
        string file = SyntheticImages.PngFile(_folder, 336, 336, seed: 1);
        var oneShot = await OneShotAsync("--image", file);

        var result = await ChatAsync($"/image {file}\n{Question}\n");

        Assert.True(oneShot.ExitCode == 0, oneShot.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(oneShot.Stdout, result.Stdout);
        Assert.Contains($"(image {Path.GetFileName(file)} added to the next message: 1 waiting)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneShot_ImageFileOfRandomBytes_OneLineErrorAndExitCode1()
    {
        string file = RandomBytesFile();

        var result = await OneShotAsync("--image", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        string error = Assert.Single(result.StderrLines, l => l.Length > 0);
        Assert.StartsWith("phi3: ", error, StringComparison.Ordinal);
        Assert.Contains("image", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_ImageFileOfRandomBytes_ReportsTheTurnAndTheChatGoesOn()
    {
        string good = SyntheticImages.PngFile(_folder, 336, 336, seed: 1);
        var oneShot = await OneShotAsync("--image", good);

        var result = await ChatAsync($"/image {RandomBytesFile()}\n{Question}\n/image {good}\n{Question}\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(oneShot.Stdout, result.Stdout);
        Assert.Single(result.StderrLines, l => l.StartsWith("phi3: ", StringComparison.Ordinal) && l.Contains("image", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A file named .png holding random bytes (no image signature, so the extension names its type).</summary>
    private string RandomBytesFile()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0;
        string path = Path.Combine(_folder, "noise.png");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
