using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary><c>services.AddPhi3ChatClient(...)</c> end to end on the synthetic tiny model.</summary>
public sealed class Phi3ServiceCollectionExtensionsTests : IDisposable
{
    private const string LoadedMessage = "Loaded the Phi-3 model";

    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task AddPhi3ChatClient_PipelineWithLoggingAndFunctionInvocation_StreamsTextAndUsageAndLogs()
    {
        using var services = Build(s => s
            .AddPhi3ChatClient(Tiny(maxOutputTokens: 6))
            .UseLogging()
            .UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 1));
        var client = services.GetRequiredService<IChatClient>();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Hello, who are you?"))
        {
            updates.Add(update);
        }

        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<Phi3ChatClient>());
        Assert.False(string.IsNullOrEmpty(string.Concat(updates.Select(u => u.Text))));
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(6, usage.Details.OutputTokenCount);
        Assert.Contains(_logs.From("LoggingChatClient"), e => e.Message.Contains("GetStreamingResponseAsync", StringComparison.Ordinal));
        Assert.Contains(_logs.From("Phi3LazyChatClient"), e => e.Message.StartsWith(LoadedMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddPhi3ChatClient_UseFunctionInvocation_InvokesTheToolThroughTheContainerPipeline()
    {
        int invoked = 0;
        var add = AIFunctionFactory.Create(([Range(0, 99)] int a, [Range(0, 99)] int b) => Interlocked.Increment(ref invoked) + a + b, "add", "Adds two numbers.");
        using var services = Build(s => s
            .AddPhi3ChatClient(Tiny(maxOutputTokens: 48))
            .UseLogging()
            .UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 1));
        var client = services.GetRequiredService<IChatClient>();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Add 2 and 3.", new ChatOptions { Tools = [add], ToolMode = ChatToolMode.RequireAny }))
        {
            updates.Add(update);
        }

        Assert.Equal(1, invoked);
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionResultContent>());
    }

    [Fact]
    public async Task AddKeyedPhi3ChatClient_TwoKeys_ResolveTwoDifferentlyConfiguredClients()
    {
        using var services = Build(s =>
        {
            s.AddKeyedPhi3ChatClient("short", o => { Tiny(maxOutputTokens: 2)(o); o.ChatClient.ModelId = "short-model"; });
            s.AddKeyedPhi3ChatClient("long", o => { Tiny(maxOutputTokens: 7)(o); o.ChatClient.ModelId = "long-model"; }).UseLogging();
        });

        var shortClient = services.GetRequiredKeyedService<IChatClient>("short");
        var longClient = services.GetRequiredKeyedService<IChatClient>("long");
        var shortResponse = await shortClient.GetResponseAsync("Hi");
        var longResponse = await longClient.GetResponseAsync("Hi");

        Assert.Null(services.GetService<IChatClient>());
        Assert.NotSame(shortClient.GetService<Phi3ChatClient>(), longClient.GetService<Phi3ChatClient>());
        Assert.Equal(2, shortResponse.Usage!.OutputTokenCount);
        Assert.Equal(7, longResponse.Usage!.OutputTokenCount);
        Assert.Equal("short-model", shortResponse.ModelId);
        Assert.Equal("long-model", longResponse.ModelId);

        // A key, not ChatOptions.ModelId, chooses the client; the response names the model that ran.
        var asked = await shortClient.GetResponseAsync("Hi", new ChatOptions { ModelId = "long-model" });
        Assert.Equal("short-model", asked.ModelId);
        Assert.Equal(2, asked.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task AddPhi3ChatClient_ConfigurationSection_BindsIntoPhi3Options()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Phi3:ModelPath"] = TestModelCache.GetOrBuild("tiny"),
                ["Phi3:ChatClient:MaxOutputTokens"] = "3",
                ["Phi3:ChatClient:ModelId"] = "from-config",
                ["Phi3:Hub:Offline"] = "true",
            })
            .Build();
        using var services = Build(s => s.AddPhi3ChatClient(configuration.GetSection("Phi3")));

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal(3, response.Usage!.OutputTokenCount);
        Assert.Equal("from-config", response.ModelId);
        Assert.True(services.GetRequiredService<IOptions<Phi3Options>>().Value.Hub.Offline);
    }

    [Fact]
    public async Task AddKeyedPhi3ChatClient_ConfigurationAndDelegate_DelegateAppliesAfterBinding()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ModelPath"] = TestModelCache.GetOrBuild("tiny"),
                ["ChatClient:MaxOutputTokens"] = "3",
            })
            .Build();
        using var services = Build(s => s.AddKeyedPhi3ChatClient("bound", configuration, o => o.ChatClient.MaxOutputTokens = 4));

        var response = await services.GetRequiredKeyedService<IChatClient>("bound").GetResponseAsync("Hi");

        Assert.Equal(4, response.Usage!.OutputTokenCount);
        Assert.Equal(4, services.GetRequiredService<IOptionsMonitor<Phi3Options>>().Get("bound").ChatClient.MaxOutputTokens);
    }

    [Fact]
    public async Task AddPhi3ChatClient_ResolvedButUnused_LoadsOnFirstCallOnly()
    {
        using var services = Build(s => s.AddPhi3ChatClient(Tiny(maxOutputTokens: 2)).UseLogging());
        var client = services.GetRequiredService<IChatClient>();
        var lazy = services.GetRequiredService<Phi3LazyChatClient>();

        Assert.False(lazy.IsLoaded);
        Assert.Null(client.GetService<Phi3ChatClient>());
        Assert.Equal(0, _logs.Count(LoadedMessage));

        await client.GetResponseAsync("Hi");

        Assert.True(lazy.IsLoaded);
        Assert.Same(await lazy.LoadAsync(), client.GetService<Phi3ChatClient>());
        Assert.Equal(1, _logs.Count(LoadedMessage));
    }

    [Fact]
    public async Task AddPhi3ChatClient_ConcurrentFirstCalls_LoadTheModelOnce()
    {
        using var services = Build(s => s.AddPhi3ChatClient(Tiny(maxOutputTokens: 2)));
        var client = services.GetRequiredService<IChatClient>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await client.GetResponseAsync($"Hi {i}");
        })).ToList();

        start.SetResult();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(2, r.Usage!.OutputTokenCount));
        Assert.Equal(1, _logs.Count(LoadedMessage));
        Assert.Equal(1, _logs.Count("Loading the Phi-3 model"));
    }

    [Fact]
    public async Task AddPhi3ChatClient_BadModelPath_ThrowsPhi3ModelExceptionOnEveryUse()
    {
        string missing = Path.Combine(Path.GetTempPath(), "phi3-no-such-model-" + Guid.NewGuid().ToString("N"));
        using var services = Build(s => s.AddPhi3ChatClient(o => o.ModelPath = missing).UseLogging());
        var client = services.GetRequiredService<IChatClient>();

        var first = await Assert.ThrowsAsync<Phi3ModelException>(() => client.GetResponseAsync("Hi"));
        var second = await Assert.ThrowsAsync<Phi3ModelException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
            }
        });

        Assert.Contains(missing, first.Message, StringComparison.Ordinal);
        Assert.Contains(missing, second.Message, StringComparison.Ordinal);
        Assert.Equal(2, _logs.From("Phi3LazyChatClient").Count(e => e.Level == LogLevel.Error && e.Exception is Phi3ModelException));
    }

    [Fact]
    public async Task ServiceProviderDispose_LoadedClient_DisposesTheClientAndItsModel()
    {
        var services = Build(s => s.AddPhi3ChatClient(Tiny(maxOutputTokens: 2)).UseLogging());
        var client = services.GetRequiredService<IChatClient>();
        await client.GetResponseAsync("Hi");
        var phi3 = client.GetService<Phi3ChatClient>()!;
        var lazy = services.GetRequiredService<Phi3LazyChatClient>();

        await services.DisposeAsync();

        Assert.False(lazy.IsLoaded);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => phi3.GetResponseAsync("Hi"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("Hi"));
        Assert.Throws<ObjectDisposedException>(() => phi3.Model.AcquireLease());
    }

    [Fact]
    public async Task AddPhi3ChatClient_CallerCancelsDuringFirstLoad_LoadGoesOnForOthers()
    {
        using var services = Build(s => s.AddPhi3ChatClient(Tiny(maxOutputTokens: 2)));
        var lazy = services.GetRequiredService<Phi3LazyChatClient>();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lazy.LoadAsync(cancelled.Token));
        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal(2, response.Usage!.OutputTokenCount);
        Assert.Equal(1, _logs.Count("Loading the Phi-3 model"));
    }

    private static Action<Phi3Options> Tiny(int maxOutputTokens) => o =>
    {
        o.ModelPath = TestModelCache.GetOrBuild("tiny");
        o.ChatClient.MaxOutputTokens = maxOutputTokens;
    };

    public void Dispose() => _logs.Dispose();

    private ServiceProvider Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        register(services);
        return services.BuildServiceProvider();
    }
}
