using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.SemanticKernel.Tests;

/// <summary>The Semantic Kernel connector end to end on the synthetic tiny model.</summary>
public sealed class Phi3ChatCompletionTests : IDisposable
{
    private readonly List<IDisposable> _providers = [];
    private CapturingChatClient? _capture;

    private CapturingChatClient Capture => _capture ?? throw new InvalidOperationException("No request reached the client.");

    [Fact]
    public async Task InvokePromptAsync_TypedSettings_AnswerWithTheSettingsReachingTheClient()
    {
        var kernel = Kernel();
        var settings = new Phi3PromptExecutionSettings { MaxTokens = 3, Temperature = 0.7f, TopK = 5, Seed = 42, StopSequences = ["never-appears"], ResponseFormat = "text" };

        var result = await kernel.InvokePromptAsync("Say hello to {{$name}}.", new KernelArguments(settings) { ["name"] = "Ada" });

        Assert.False(string.IsNullOrEmpty(result.ToString()));
        var call = Capture.Last;
        Assert.Contains(call.Messages, m => m.Role == ChatRole.User && m.Text.Contains("Say hello to Ada.", StringComparison.Ordinal));
        Assert.Equal(3, call.Options!.MaxOutputTokens);
        Assert.Equal(0.7f, call.Options.Temperature);
        Assert.Equal(5, call.Options.TopK);
        Assert.Equal(42, call.Options.Seed);
        Assert.Equal(["never-appears"], call.Options.StopSequences!);
        Assert.IsType<ChatResponseFormatText>(call.Options.ResponseFormat);
        Assert.Equal(3, call.Usage!.OutputTokenCount);
        Assert.Equal(result.ToString(), call.Text);
    }

    [Fact]
    public async Task CreateFunctionFromPrompt_ExtensionDataSettings_MaxTokensLimitsTheAnswer()
    {
        var kernel = Kernel();
        var function = kernel.CreateFunctionFromPrompt("Tell me about {{$topic}}.", new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 2 } });

        var result = await kernel.InvokeAsync(function, new KernelArguments { ["topic"] = "owls" });

        Assert.Equal(2, Capture.Last.Usage!.OutputTokenCount);
        Assert.Equal(result.ToString(), Capture.Last.Text);
    }

    [Fact]
    public async Task GetChatMessageContentAsync_ChatHistory_IsAnsweredWithEveryTurnReachingTheClient()
    {
        var kernel = Kernel();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory("You are terse.");
        history.AddUserMessage("Hi");
        history.AddAssistantMessage("Hello.");
        history.AddUserMessage("What is an owl?");

        var answer = await chat.GetChatMessageContentAsync(history, new Phi3PromptExecutionSettings { MaxTokens = 4 }, kernel);

        Assert.Equal(AuthorRole.Assistant, answer.Role);
        Assert.False(string.IsNullOrEmpty(answer.Content));
        var call = Capture.Last;
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], call.Messages.Select(m => m.Role));
        Assert.Equal("What is an owl?", call.Messages[^1].Text);
        Assert.Equal(4, call.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingChatMessageContentsAsync_ChatHistory_StreamsTheAnswer()
    {
        var kernel = Kernel();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Count to three.");

        var pieces = new List<string>();
        await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, new Phi3PromptExecutionSettings { MaxTokens = 5 }, kernel))
        {
            pieces.Add(update.Content ?? string.Empty);
        }

        Assert.Equal(Capture.Last.Text, string.Concat(pieces));
        Assert.Equal(5, Capture.Last.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task InvokePromptAsync_StopSequence_TruncatesTheGreedyAnswer()
    {
        var kernel = Kernel();
        const string Prompt = "Write a long story.";
        string full = (await kernel.InvokePromptAsync(Prompt, new KernelArguments(new Phi3PromptExecutionSettings { MaxTokens = 16 }))).ToString();
        Assert.True(full.Length >= 6, full);
        string stop = full.Substring(full.Length / 2, 2);

        string truncated = (await kernel.InvokePromptAsync(Prompt, new KernelArguments(new Phi3PromptExecutionSettings { MaxTokens = 16, StopSequences = [stop] }))).ToString();

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], truncated);
    }

    [Fact]
    public async Task InvokePromptAsync_TemperatureAndSeed_ChangeTheAnswerReproducibly()
    {
        var kernel = Kernel();
        const string Prompt = "Name a colour.";
        string greedy = (await kernel.InvokePromptAsync(Prompt, new KernelArguments(new Phi3PromptExecutionSettings { MaxTokens = 12 }))).ToString();
        var sampling = new Phi3PromptExecutionSettings { MaxTokens = 12, Temperature = 1.5f, TopK = 1000, Seed = 7 };

        string first = (await kernel.InvokePromptAsync(Prompt, new KernelArguments(sampling))).ToString();
        string second = (await kernel.InvokePromptAsync(Prompt, new KernelArguments(sampling))).ToString();

        Assert.NotEqual(greedy, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task InvokePromptAsync_JsonObjectResponseFormat_ReachesTheClientAndConstrainsTheAnswer()
    {
        var kernel = Kernel();

        var result = await kernel.InvokePromptAsync("Describe an owl as JSON.", new KernelArguments(new Phi3PromptExecutionSettings { MaxTokens = 24, ResponseFormat = "json_object" }));

        Assert.IsType<ChatResponseFormatJson>(Capture.Last.Options!.ResponseFormat);
        Assert.StartsWith("{", result.ToString().TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPhi3ChatCompletion_ServiceCollectionWithServiceId_RegistersKeyedServiceUsedByAddKernel()
    {
        var services = new ServiceCollection();
        services.AddPhi3ChatCompletion(o => { o.ModelPath = TestModelCache.GetOrBuild("tiny"); o.ChatClient.MaxOutputTokens = 3; }, serviceId: "phi3", configurePipeline: Pipeline);
        services.AddKernel();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);

        var kernel = provider.GetRequiredService<Kernel>();
        var result = await kernel.InvokePromptAsync("Hi", new KernelArguments(new PromptExecutionSettings { ServiceId = "phi3" }));

        Assert.NotNull(provider.GetRequiredKeyedService<IChatCompletionService>("phi3"));
        Assert.NotNull(provider.GetRequiredKeyedService<IChatClient>("phi3"));
        Assert.Null(provider.GetService<IChatCompletionService>());
        Assert.Equal(3, Capture.Last.Usage!.OutputTokenCount);
        Assert.Equal(result.ToString(), Capture.Last.Text);
    }

    [Fact]
    public async Task KernelServicesDispose_LoadedModel_DisposesThePhi3Client()
    {
        var kernel = Kernel();
        await kernel.InvokePromptAsync("Hi", new KernelArguments(new Phi3PromptExecutionSettings { MaxTokens = 1 }));
        var phi3 = Capture.GetService<Phi3ChatClient>()!;

        ((IDisposable)kernel.Services).Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => phi3.GetResponseAsync("Hi"));
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }
    }

    private Kernel Kernel()
    {
        var kernel = Microsoft.SemanticKernel.Kernel.CreateBuilder()
            .AddPhi3ChatCompletion(o => o.ModelPath = TestModelCache.GetOrBuild("tiny"), configurePipeline: Pipeline)
            .Build();
        if (kernel.Services is IDisposable disposable)
        {
            _providers.Add(disposable);
        }

        return kernel;
    }

    private void Pipeline(ChatClientBuilder builder) => builder.Use(inner => _capture = new CapturingChatClient(inner));
}
