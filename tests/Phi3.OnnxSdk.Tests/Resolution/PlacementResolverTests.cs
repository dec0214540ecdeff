using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Tests.Resolution;

/// <summary>The remote endpoint as a placement candidate: local only, remote only, local first.</summary>
public sealed class PlacementResolverTests
{
    private static readonly Uri s_endpoint = new("http://gpu-box:8000/v1");

    private static readonly PlacementResolver s_resolver = new(new VariantResolver(environment: _ => null));

    [Fact]
    public void Resolve_LocalFirstOnACpuOnlyMachine_CudaOnlyFamilyGoesRemoteWithTheLocalVerdicts()
    {
        var decision = s_resolver.Resolve(FakeMachines.Get("no-gpu"), Request(Phi3Placement.LocalFirst, "phi3-small"));

        Assert.True(decision.IsRemote);
        Assert.Equal(s_endpoint, decision.RemoteEndpoint);
        Assert.Equal("microsoft/Phi-3-small-128k-instruct", decision.RemoteModel);
        Assert.StartsWith("this machine cannot run phi3-small", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("No variant of phi-3-small-128k-instruct can run", decision.LocalRejection, StringComparison.Ordinal);
        Assert.Contains("needs an NVIDIA GPU", decision.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"Chose remote {s_endpoint}", decision.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_LocalFirstOnAGpuMachine_CudaOnlyFamilyRunsHere()
    {
        var decision = s_resolver.Resolve(FakeMachines.Get("rtx-4090"), Request(Phi3Placement.LocalFirst, "phi3-small"));

        Assert.False(decision.IsRemote);
        Assert.Equal("phi-3-small-128k-instruct", decision.Local!.Family.Id);
        Assert.Contains("this machine can run phi-3-small-128k-instruct", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("remote endpoint http://gpu-box:8000/v1 is not needed", decision.Reason, StringComparison.Ordinal);
        Assert.Null(decision.RemoteEndpoint);
    }

    [Fact]
    public void Resolve_LocalOnly_CudaOnlyFamilyOnCpuThrowsAsTheVariantResolverDoes()
    {
        var error = Assert.Throws<VariantResolutionException>(() => s_resolver.Resolve(FakeMachines.Get("no-gpu"), Request(Phi3Placement.LocalOnly, "phi3-small")));

        Assert.Contains("No variant of phi-3-small-128k-instruct can run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RemoteOnly_NeedsNoHardwareAndSaysSo()
    {
        var decision = s_resolver.Resolve(hardware: null, Request(Phi3Placement.RemoteOnly, "phi3-mini"));

        Assert.True(decision.IsRemote);
        Assert.Equal(Phi3Placement.RemoteOnly, decision.Policy);
        Assert.Contains("the placement is RemoteOnly", decision.Reason, StringComparison.Ordinal);
        Assert.Null(decision.Local);
    }

    [Theory]
    [InlineData(true, Phi3Placement.RemoteOnly)]
    [InlineData(false, Phi3Placement.LocalOnly)]
    public void EffectivePolicy_Unset_RemoteOnlyExactlyWhenAnEndpointIsSet(bool endpoint, Phi3Placement expected)
    {
        Assert.Equal(expected, PlacementResolver.EffectivePolicy(new PlacementRequest { RemoteEndpoint = endpoint ? s_endpoint : null }));
    }

    [Theory]
    [InlineData(Phi3Placement.RemoteOnly)]
    [InlineData(Phi3Placement.LocalFirst)]
    public void Resolve_RemotePolicyWithoutEndpointOrModel_ThrowsNamingTheSetting(Phi3Placement policy)
    {
        var noEndpoint = Assert.Throws<ArgumentException>(() => s_resolver.Resolve(FakeMachines.Get("no-gpu"), new PlacementRequest { Policy = policy, RemoteModel = "m" }));
        var noModel = Assert.Throws<ArgumentException>(() => s_resolver.Resolve(FakeMachines.Get("no-gpu"), new PlacementRequest { Policy = policy, RemoteEndpoint = s_endpoint }));

        Assert.Contains("Remote:Endpoint", noEndpoint.Message, StringComparison.Ordinal);
        Assert.Contains("Remote:Model", noModel.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Phi3Placement.RemoteOnly, "phi3-mini", "no-gpu")]
    [InlineData(Phi3Placement.LocalFirst, "phi3-small", "rtx-4090")]
    [InlineData(Phi3Placement.LocalFirst, "phi3-small", "no-gpu")]
    public void Resolve_EndpointWithUserAndPassword_NeitherIsInTheReasonOrText(Phi3Placement policy, string family, string machine)
    {
        var endpoint = new Uri("http://alice:s3cret-pw@gpu-box:8000/v1");
        var request = new PlacementRequest { Policy = policy, RemoteEndpoint = endpoint, RemoteModel = "m", Local = new VariantResolverOptions { Family = family, UseEnvironment = false } };

        var decision = s_resolver.Resolve(FakeMachines.Get(machine), request);

        string text = decision.ToString() + decision.Reason;
        Assert.DoesNotContain("s3cret-pw", text, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", text, StringComparison.Ordinal);
        Assert.Contains("http://gpu-box:8000/v1", text, StringComparison.Ordinal);
        Assert.Equal(decision.IsRemote ? endpoint : null, decision.RemoteEndpoint);
    }

    [Fact]
    public void Resolve_LocalFirstWithAFolder_RunsTheFolderWithoutResolving()
    {
        var decision = s_resolver.Resolve(hardware: null, new PlacementRequest { Policy = Phi3Placement.LocalFirst, RemoteEndpoint = s_endpoint, RemoteModel = "m", LocalFolder = "/models/phi3" });

        Assert.False(decision.IsRemote);
        Assert.Equal("/models/phi3", decision.LocalFolder);
    }

    [Fact]
    public void AddPhi3ChatClient_ConfigurationSection_BindsPlacementAndRemote()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Phi3:Placement"] = "LocalFirst",
            ["Phi3:Model"] = "phi3-small",
            ["Phi3:Remote:Endpoint"] = "http://gpu-box:8000/v1",
            ["Phi3:Remote:ApiKey"] = "secret",
            ["Phi3:Remote:Model"] = "microsoft/Phi-3-small-128k-instruct",
            ["Phi3:Remote:MaxRetries"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddPhi3ChatClient(configuration.GetSection("Phi3"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<Phi3Options>>().Get(Options.DefaultName);

        Assert.Equal(Phi3Placement.LocalFirst, options.Placement);
        Assert.Equal(s_endpoint, options.Remote.Endpoint);
        Assert.Equal("secret", options.Remote.ApiKey);
        Assert.Equal("microsoft/Phi-3-small-128k-instruct", options.Remote.Model);
        Assert.Equal(0, options.Remote.MaxRetries);
    }

    [Fact]
    public void CreateRemoteChatClient_EndpointAndModel_IsTheOpenAIChatClientForThatModel()
    {
        var options = new Phi3Options { Remote = { Endpoint = s_endpoint, Model = "phi3" } };

        using var client = Phi3ModelProvisioner.CreateRemoteChatClient(options);

        var metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("openai", metadata.ProviderName);
        Assert.Equal("phi3", metadata.DefaultModelId);
        Assert.Equal(s_endpoint, metadata.ProviderUri);
    }

    [Fact]
    public void CreateRemoteChatClient_RelativeOrNonHttpEndpoint_Throws()
    {
        var options = new Phi3Options { Remote = { Endpoint = new Uri("ftp://gpu-box/v1"), Model = "phi3" } };

        var error = Assert.Throws<ArgumentException>(() => Phi3ModelProvisioner.CreateRemoteChatClient(options));

        Assert.Contains("absolute http or https", error.Message, StringComparison.Ordinal);
    }

    private static PlacementRequest Request(Phi3Placement policy, string family) => new()
    {
        Policy = policy,
        RemoteEndpoint = s_endpoint,
        RemoteModel = family == "phi3-small" ? "microsoft/Phi-3-small-128k-instruct" : "phi3",
        Local = new VariantResolverOptions { Family = family, UseEnvironment = false },
    };
}
