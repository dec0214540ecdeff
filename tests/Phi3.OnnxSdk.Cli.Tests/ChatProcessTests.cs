using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// The chat driven as a process through stdin/stdout on the synthetic tiny model (random weights: gibberish, but
/// greedy and deterministic, so equal prompts give equal answers). Each answer is printed followed by one newline.
/// </summary>
public sealed class ChatProcessTests
{
    private const string Tokens = "12";
    private static readonly string s_model = TestModelCache.GetOrBuild("tiny");

    private static Task<Phi3Result> OneShotAsync(string question, params string[] extra) =>
        Phi3Process.RunAsync(string.Empty, ["chat", "--model-path", s_model, "--max-tokens", Tokens, .. extra, question]);

    private static Task<Phi3Result> ChatAsync(string stdin) =>
        Phi3Process.RunAsync(stdin, "chat", "--model-path", s_model, "--max-tokens", Tokens);

    [Fact]
    public async Task OneShot_Question_PrintsAnswerOnStdoutAndStatsAndTheTokenLimitOnStderr()
    {
        var result = await OneShotAsync("Hello");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("\n", result.Stdout);
        Assert.True(result.Stdout.Trim().Length > 0, result.ToString());
        Assert.Equal(
            ["(the answer stopped at the limit of 12 tokens; --max-tokens raises it)"],
            result.StderrLines.Where(l => !l.StartsWith('[')));
        var stats = Assert.Single(result.StderrLines, l => l.StartsWith('['));
        Assert.Matches(@"^\[first token \d+\.\d\d s · 12 tokens in \d+\.\d\d s · \d+\.\d tokens/s\]$", stats);
        Assert.Equal(result.Stdout, (await OneShotAsync("Hello")).Stdout);
    }

    [Fact]
    public async Task Piped_LineEndingInBackslash_ContinuesTheMessage()
    {
        string joined = (await OneShotAsync("line one\nline two")).Stdout;
        string first = (await OneShotAsync("line one")).Stdout;

        var result = await ChatAsync("line one\\\nline two\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(joined, result.Stdout);
        Assert.NotEqual(first, joined);
    }

    [Fact]
    public async Task Interactive_TwoTurns_SecondAnswerSeesTheFirst()
    {
        string hello = (await OneShotAsync("Hello")).Stdout;
        string howAreYouAlone = (await OneShotAsync("How are you?")).Stdout;

        var result = await ChatAsync("Hello\nHow are you?\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(hello, result.Stdout);
        string second = result.Stdout[hello.Length..];
        Assert.EndsWith("\n", second);
        Assert.True(second.Trim().Length > 0, result.ToString());
        Assert.NotEqual(howAreYouAlone, second);
        Assert.Equal(2, result.StderrLines.Count(l => l.Contains("tokens/s", StringComparison.Ordinal)));
        Assert.Contains($"Loaded {s_model} in ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_ClearsHistory_AnswerEqualsAFreshConversation()
    {
        string hello = (await OneShotAsync("Hello")).Stdout;
        string howAreYouAlone = (await OneShotAsync("How are you?")).Stdout;

        var result = await ChatAsync("Hello\n/reset\nHow are you?\n/exit\nnever read\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(hello + howAreYouAlone, result.Stdout);
        Assert.Contains("(conversation cleared)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemCommand_SetsTheSystemPrompt_LikeTheSystemFlag()
    {
        string withFlag = (await OneShotAsync("Hello", "--system", "Answer in one word.")).Stdout;
        string without = (await OneShotAsync("Hello")).Stdout;

        var result = await ChatAsync("/system Answer in one word.\nHello\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(withFlag, result.Stdout);
        Assert.NotEqual(without, withFlag);
    }

    [Fact]
    public async Task CtrlC_WhileAnswering_StopsTheAnswerAndTheAppAnswersTheNextLine()
    {
        // A long answer so that there is something to stop, short enough that the full one ends well inside the
        // time-out on a busy machine: 3000 tiny-model tokens take about 0.7 s on a quiet machine (400 ended before the
        // interrupt arrived), a few seconds on a loaded one.
        using var phi3 = Phi3Process.Start("chat", "--model-path", s_model, "--max-tokens", "3000");
        await phi3.WriteAsync("Hello\n");
        await phi3.WaitUntilAsync((stdout, _) => stdout.Length > 0, "the answer to start streaming");

        phi3.Interrupt();
        await phi3.WaitUntilAsync((_, stderr) => stderr.Contains("(answer stopped)", StringComparison.Ordinal), "the answer to stop");
        Assert.DoesNotContain("tokens/s", phi3.Stderr, StringComparison.Ordinal);

        await phi3.WriteAsync("Hello\n");
        phi3.CloseInput();
        var result = await phi3.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.StderrLines, l => l.Contains("tokens/s", StringComparison.Ordinal));

        // stdout is the stopped answer P, a newline, then the full answer F and a newline. The stopped turn was
        // dropped from the history, so F answers the same prompt greedily: P is a prefix of F.
        string stdout = result.Stdout;
        bool found = Enumerable.Range(1, Math.Max(0, stdout.Length - 1))
            .Where(k => stdout[k] == '\n')
            .Any(k => stdout[(k + 1)..].StartsWith(stdout[..k], StringComparison.Ordinal) && stdout.Length - k - 2 > k);
        Assert.True(found, $"stdout is not 'stopped answer, newline, longer answer starting with it': {result}");
    }

    [Fact]
    public async Task BadModelPath_OneLineOnStderr_ExitCode1()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"phi3-no-model-{Guid.NewGuid():N}");

        var result = await Phi3Process.RunAsync(string.Empty, "chat", "--model-path", missing, "Hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: ", line);
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.Contains("does not exist", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelPathToAFile_IsCalledAFile_ExitCode1()
    {
        string file = Path.Combine(s_model, "model.onnx");

        var result = await Phi3Process.RunAsync(string.Empty, "chat", "--model-path", file, "Hello");

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.StderrLines);
        Assert.Equal($"phi3: '{file}' is a file; a model path is the folder that holds genai_config.json, the ONNX files and the tokenizer.", line);
    }

    [Fact]
    public async Task OneShot_ImageThatIsNotThere_UsageErrorNamingThePath_ExitCode2()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"phi3-no-such-image-{Guid.NewGuid():N}.png");

        var result = await OneShotAsync("What is this?", "--image", missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal([$"phi3: cannot read the image '{missing}': no such file (see 'phi3 --help')"], result.StderrLines);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task OneShot_ImageOnATextModel_TheSdksRefusalAsOneLine_ExitCode1()
    {
        string image = Path.Combine(Path.GetTempPath(), $"phi3-image-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(image, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        try
        {
            var result = await OneShotAsync("What is this?", "--image", image);

            Assert.True(result.ExitCode == 1, result.ToString());
            var line = Assert.Single(result.StderrLines);
            Assert.StartsWith("phi3: The model '", line);
            Assert.Contains("cannot take images", line, StringComparison.Ordinal);
            Assert.Contains("Phi-3-vision-128k-instruct", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(image);
        }
    }

    [Fact]
    public async Task Interactive_ImageOnATextModel_OneLineErrorThenTheNextMessageIsAnswered()
    {
        string hello = (await OneShotAsync("Hello")).Stdout;
        string image = Path.Combine(Path.GetTempPath(), $"phi3-image-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(image, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        try
        {
            var result = await ChatAsync($"/image {image}\nWhat is this?\nHello\n");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(hello, result.Stdout);
            Assert.Single(result.StderrLines, l => l.StartsWith("phi3: The model '", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(image);
        }
    }

    [Fact]
    public async Task Chat_ImageWithoutAQuestion_UsageError()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "chat", "--model-path", s_model, "--image", "x.png");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("phi3: --image goes with a question", Assert.Single(result.StderrLines));
    }
}
