using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary>The optional hosted warm-up: the model loads when the host starts, not on the first request.</summary>
public sealed class Phi3WarmupTests : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task AddPhi3ChatClientWarmup_HostStart_LoadsTheModelBeforeAnyRequest()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(_logs);
        builder.Services.AddPhi3ChatClient(o => o.ModelPath = TestModelCache.GetOrBuild("tiny")).UseLogging();
        builder.Services.AddPhi3ChatClientWarmup();
        using var host = builder.Build();
        var lazy = host.Services.GetRequiredService<Phi3LazyChatClient>();
        Assert.False(lazy.IsLoaded);

        await host.StartAsync();

        Assert.True(lazy.IsLoaded);
        var client = host.Services.GetRequiredService<IChatClient>().GetService<Phi3ChatClient>();
        Assert.NotNull(client);
        Assert.Equal(1, client.WarmUps);
        Assert.Contains(_logs.Entries, e => e.Message.StartsWith("Loaded the Phi-3 model", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddKeyedPhi3ChatClientWarmup_HostStart_LoadsOnlyThatKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddKeyedPhi3ChatClient("eager", o => o.ModelPath = TestModelCache.GetOrBuild("tiny"));
        builder.Services.AddKeyedPhi3ChatClient("lazy", o => o.ModelPath = TestModelCache.GetOrBuild("tiny"));
        builder.Services.AddKeyedPhi3ChatClientWarmup("eager");
        using var host = builder.Build();

        await host.StartAsync();

        Assert.True(host.Services.GetRequiredKeyedService<Phi3LazyChatClient>("eager").IsLoaded);
        Assert.False(host.Services.GetRequiredKeyedService<Phi3LazyChatClient>("lazy").IsLoaded);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddPhi3ChatClientWarmup_BadModelPath_FailsTheHostStart()
    {
        string missing = Path.Combine(Path.GetTempPath(), "phi3-no-such-model-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPhi3ChatClient(o => o.ModelPath = missing);
        builder.Services.AddPhi3ChatClientWarmup();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<Phi3ModelException>(() => host.StartAsync());

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedPhi3ChatClientWarmup_NoClientUnderThatKey_FailsTheHostStartNamingTheCall()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddKeyedPhi3ChatClientWarmup("missing");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AddKeyedPhi3ChatClient(\"missing\"", ex.Message, StringComparison.Ordinal);
    }
}
