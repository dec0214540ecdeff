using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Remote;
using Phi3.OnnxSdk.Resolution;
using Phi3.OnnxSdk.Tests.DependencyInjection;
using Phi3.OnnxSdk.Tests.Hardware;

namespace Phi3.OnnxSdk.Server.Tests.Remote;

/// <summary>The remote provider (<c>AddPhi3ChatClient</c> with a remote endpoint) against <c>phi3 serve</c> on loopback.</summary>
[Collection(ServerGroup.Name)]
public sealed class RemoteProviderTests
{
    private static readonly HardwareInfo s_cpuOnly = new()
    {
        OperatingSystem = OperatingSystemKind.Linux,
        Cpu = new CpuInfo { Architecture = System.Runtime.InteropServices.Architecture.X64, LogicalCores = 8, HasAvx2 = true },
        Memory = new SystemMemoryInfo { TotalBytes = 16_000_000_000, AvailableBytes = 12_000_000_000 },
    };

    private readonly ServerFixture _server;

    public RemoteProviderTests(ServerFixture server) => _server = server;

    [Fact]
    public async Task AddPhi3ChatClient_RemoteFromConfiguration_GreedyTextEqualsTheInProcessClient()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Phi3:Remote:Endpoint"] = _server.BaseUrl.ToString(),
            ["Phi3:Remote:ApiKey"] = ServerFixture.ApiKey,
            ["Phi3:Remote:Model"] = _server.ModelId,
        }).Build();
        await using var services = Build(s => s.AddPhi3ChatClient(configuration.GetSection("Phi3")).UseLogging());
        var client = services.GetRequiredService<IChatClient>();
        ChatMessage[] conversation =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "Name a colour."),
            new(ChatRole.Assistant, "Blue."),
            new(ChatRole.User, "Another one?"),
        ];
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 24 };

        var remote = await client.GetResponseAsync(conversation, options);
        var streamed = await client.GetStreamingResponseAsync(conversation, options).ToChatResponseAsync();
        var local = await _server.Local.GetResponseAsync(conversation, options);

        Assert.NotEmpty(local.Text);
        Assert.Equal(local.Text, remote.Text);
        Assert.Equal(local.Text, streamed.Text);
        Assert.Equal(local.Usage!.InputTokenCount, remote.Usage!.InputTokenCount);
        Assert.Equal(ChatFinishReason.Length, remote.FinishReason);
        Assert.Equal(_server.ModelId, remote.ModelId);
        var lazy = services.GetRequiredService<Phi3LazyChatClient>();
        Assert.True(lazy.Placement!.IsRemote);
        Assert.Equal(Phi3Placement.RemoteOnly, lazy.Placement.Policy);
        Assert.Null(client.GetService<Phi3ChatClient>());
    }

    [Fact]
    public async Task UseFunctionInvocation_OverTheRemoteProvider_CompletesAToolRoundTrip()
    {
        var invoked = new List<(int A, int B)>();
        var add = AIFunctionFactory.Create(
            ([Range(0, 99)] int a, [Range(0, 99)] int b) =>
            {
                invoked.Add((a, b));
                return a + b;
            },
            "add",
            "Adds two numbers.");
        await using var services = Build(s => s
            .AddPhi3ChatClient(o => Remote(o))
            .UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 1));
        var client = services.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("Add 2 and 3.", new ChatOptions { Tools = [add], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 48, Temperature = 0 });

        var (a, b) = Assert.Single(invoked);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal((a + b).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Result?.ToString());
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task LocalFirst_FamilyThisMachineCannotRun_GoesRemoteAndSaysWhy()
    {
        await using var services = Build(
            s => s.AddPhi3ChatClient(o =>
            {
                Remote(o);
                o.Placement = Phi3Placement.LocalFirst;
                o.Model = "phi-3-small-128k-instruct";
            }),
            new FixedHardwareProbe(s_cpuOnly));
        var client = services.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 3 });

        var placement = services.GetRequiredService<Phi3LazyChatClient>().Placement!;
        Assert.True(placement.IsRemote);
        Assert.Equal(_server.BaseUrl, placement.RemoteEndpoint);
        Assert.Contains("this machine cannot run phi-3-small-128k-instruct", placement.Reason, StringComparison.Ordinal);
        Assert.Contains("needs an NVIDIA GPU", placement.LocalRejection, StringComparison.Ordinal);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task LocalFirst_LocalFolder_RunsHereWithoutContactingTheEndpoint()
    {
        await using var services = Build(s => s.AddPhi3ChatClient(o =>
        {
            o.Remote.Endpoint = new Uri("http://127.0.0.1:9/v1");
            o.Remote.Model = "unreachable";
            o.Placement = Phi3Placement.LocalFirst;
            o.ModelPath = _server.ModelFolder;
        }));
        var client = services.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 3, Temperature = 0 });

        Assert.False(services.GetRequiredService<Phi3LazyChatClient>().Placement!.IsRemote);
        Assert.NotNull(client.GetService<Phi3ChatClient>());
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task RemoteOnly_NeverProbesTheHardware()
    {
        await using var services = Build(s => s.AddPhi3ChatClient(o => Remote(o)), new ThrowingProbe());
        var client = services.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2 });

        Assert.Equal(2, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task RemoteKey_FromTheEnvironment_IsSentAndNeverLogged()
    {
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var options = new Provisioning.Phi3Options { Remote = { Endpoint = _server.BaseUrl, Model = _server.ModelId } };
        ChatResponse response;
        Environment.SetEnvironmentVariable(Phi3RemoteOptions.ApiKeyVariable, ServerFixture.ApiKey);
        try
        {
            using var client = new ChatClientBuilder(new Phi3LazyChatClient(options, loggers.CreateLogger<Phi3LazyChatClient>())).UseLogging(loggers).Build();
            response = await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2 });
        }
        finally
        {
            Environment.SetEnvironmentVariable(Phi3RemoteOptions.ApiKeyVariable, null);
        }

        // The server requires the key: the answer proves it was read from the environment and sent.
        Assert.Equal(2, response.Usage!.OutputTokenCount);
        Assert.Contains(logs.Entries, e => e.Message.Contains("Phi-3 placement", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(ServerFixture.ApiKey, StringComparison.Ordinal) || e.Exception?.ToString().Contains(ServerFixture.ApiKey, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Message.Contains(ServerFixture.ApiKey, StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Action<IServiceCollection> configure, IHardwareProbe? probe = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (probe is not null)
        {
            services.AddSingleton(probe);
        }

        configure(services);
        return services.BuildServiceProvider();
    }

    private void Remote(Provisioning.Phi3Options options)
    {
        options.Remote.Endpoint = _server.BaseUrl;
        options.Remote.ApiKey = ServerFixture.ApiKey;
        options.Remote.Model = _server.ModelId;
    }

    private sealed class ThrowingProbe : IHardwareProbe
    {
        public ValueTask<HardwareInfo> ProbeAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A remote-only placement must not probe the hardware.");
    }
}
