using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Tests.Resolution;

public sealed class VariantResolverTests
{
    private const string CpuAcc4 = "cpu-int4-rtn-block-32-acc-level-4";

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Theory]
    [InlineData("no-gpu", CpuAcc4, "AVX2", "cuda-fp16: needs an NVIDIA GPU for CUDA; none was found", "directml-int4-awq-block-128: DirectML needs Windows")]
    [InlineData("rtx-4090", "cuda-fp16", "fp16 keeps full quality", "RTX 4090 (compute capability 8.9)", "cuda-int4-rtn-block-32: can run")]
    [InlineData("laptop-6gb", "cuda-int4-rtn-block-32", "RTX 3060 Laptop GPU", "cuda-fp16: needs about 9.5 GB VRAM, the GPU has 5.5 GB free", "ranks higher: a GPU runs the model much faster")]
    [InlineData("v100", "cuda-fp16", "compute capability 7.0", "needs about 9.5 GB VRAM, the GPU has 15.8 GB free", "cuda-int4-rtn-block-32: can run")]
    [InlineData("gtx-1080", CpuAcc4, "int8 compute", "needs CUDA compute capability 7.0 or newer; the NVIDIA GeForce GTX 1080 has 6.1", "cuda-int4-rtn-block-32: needs CUDA compute capability 7.0")]
    [InlineData("windows-igpu", "directml-int4-awq-block-128", "integrated GPU, shared memory", "can share 8.0 GB of system memory", "cuda-fp16: needs an NVIDIA GPU")]
    [InlineData("windows-arm64", CpuAcc4, "Arm64, NEON", "supports DirectX 12, but the DirectML provider cannot load", "cuda-int4-rtn-block-32: needs an NVIDIA GPU")]
    [InlineData("linux-arm64", CpuAcc4, "Arm64, NEON", "DirectML needs Windows; this is Linux", "cpu-int4-rtn-block-32: can run")]
    [InlineData("gpu-without-runtime", CpuAcc4, "runs on the CPU", "could run it, but the CUDA provider cannot load", "add the package Phi3.OnnxSdk.Backend.Cuda in place of Phi3.OnnxSdk.Backend.Cpu")]
    public void Resolve_FakeMachine_ChoosesVariantAndExplains(string machine, string expectedVariant, string chosenKeyword, string keyword1, string keyword2)
    {
        var resolver = new VariantResolver(environment: NoEnvironment.GetValueOrDefault);

        var result = resolver.Resolve(FakeMachines.Get(machine));

        Assert.Equal("phi-3-mini-128k-instruct", result.Family.Id);
        Assert.Equal(expectedVariant, result.Variant.Name);
        Assert.Contains(chosenKeyword, result.Reason);
        var explanation = result.ToString();
        Assert.Contains(keyword1, explanation);
        Assert.Contains(keyword2, explanation);
        Assert.Equal(5, result.Candidates.Count);
        Assert.Single(result.Candidates, c => c.Chosen);
        Assert.All(result.Candidates, c => Assert.StartsWith(c.Variant.Name + ": ", c.Reason));
    }

    [Theory]
    [InlineData("gpu-without-runtime", "CUDA provider cannot load")]
    [InlineData("windows-arm64", "DirectML provider cannot load")]
    public void Resolve_GpuWhoseProviderCannotLoad_ReportsTheFallback(string machine, string expected)
    {
        var result = new VariantResolver(environment: NoEnvironment.GetValueOrDefault).Resolve(FakeMachines.Get(machine));

        Assert.Equal(ExecutionProvider.Cpu, result.Provider);
        Assert.Contains(expected, result.Fallback);
    }

    [Theory]
    [InlineData("no-gpu")]
    [InlineData("gtx-1080")]
    [InlineData("rtx-4090")]
    public void Resolve_NoFallback_LeavesFallbackNull(string machine)
    {
        var result = new VariantResolver(environment: NoEnvironment.GetValueOrDefault).Resolve(FakeMachines.Get(machine));

        Assert.Null(result.Fallback);
    }

    [Fact]
    public void Resolve_ForcedCudaWithRuntimeAbsent_Throws()
    {
        var resolver = new VariantResolver(environment: NoEnvironment.GetValueOrDefault);

        var error = Assert.Throws<VariantResolutionException>(() =>
            resolver.Resolve(FakeMachines.Get("gpu-without-runtime"), new VariantResolverOptions { Provider = ExecutionProvider.Cuda }));

        Assert.Contains("provider cuda was forced (option Provider)", error.Message);
        Assert.Contains("CUDA provider cannot load", error.Message);
        Assert.Contains("does not fall back to the CPU", error.Message);
        Assert.Equal(5, error.Candidates.Count);
    }

    [Fact]
    public void Resolve_ForcedCudaThroughEnvironmentOnCpuMachine_Throws()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_PROVIDER"] = "CUDA" };

        var error = Assert.Throws<VariantResolutionException>(() =>
            new VariantResolver(environment: environment.GetValueOrDefault).Resolve(FakeMachines.Get("no-gpu")));

        Assert.Contains("(PHI3_PROVIDER)", error.Message);
        Assert.Contains("none was found", error.Message);
    }

    [Fact]
    public void Resolve_ForcedVariantWithRuntimeAbsent_Throws()
    {
        var error = Assert.Throws<VariantResolutionException>(() =>
            new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
                .Resolve(FakeMachines.Get("gpu-without-runtime"), new VariantResolverOptions { Variant = "cuda-int4" }));

        Assert.Contains("phi-3-mini-128k-instruct/cuda-int4-rtn-block-32 was forced", error.Message);
    }

    [Fact]
    public void Resolve_ProviderCpuFromEnvironment_ChoosesCpuOnGpuMachine()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_PROVIDER"] = "cpu" };

        var result = new VariantResolver(environment: environment.GetValueOrDefault).Resolve(FakeMachines.Get("rtx-4090"));

        Assert.Equal(CpuAcc4, result.Variant.Name);
        Assert.Equal(["PHI3_PROVIDER=cpu"], result.Overrides);
        Assert.Contains("cuda-fp16: not considered, the provider was forced to cpu (PHI3_PROVIDER)", result.ToString());
    }

    [Fact]
    public void Resolve_VariantFromEnvironment_ChoosesThatVariant()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_VARIANT"] = "cuda-int4" };

        var result = new VariantResolver(environment: environment.GetValueOrDefault).Resolve(FakeMachines.Get("rtx-4090"));

        Assert.Equal("cuda-int4-rtn-block-32", result.Variant.Name);
        Assert.StartsWith("forced (PHI3_VARIANT)", result.Reason);
    }

    [Fact]
    public void Resolve_ModelFromEnvironment_ResolvesThatFamily()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_MODEL"] = "phi4-mini" };

        var result = new VariantResolver(environment: environment.GetValueOrDefault).Resolve(FakeMachines.Get("windows-igpu"));

        Assert.Equal("phi-4-mini-instruct/gpu-int4-rtn-block-32-dml", result.Variant.Id);
    }

    [Fact]
    public void Resolve_OptionAndEnvironmentDisagree_OptionWins()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_PROVIDER"] = "cuda" };

        var result = new VariantResolver(environment: environment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("rtx-4090"), new VariantResolverOptions { Provider = ExecutionProvider.Cpu });

        Assert.Equal(ExecutionProvider.Cpu, result.Provider);
        Assert.Equal(["Provider=cpu"], result.Overrides);
    }

    [Fact]
    public void Resolve_UseEnvironmentFalse_IgnoresVariables()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_PROVIDER"] = "cpu", ["PHI3_MODEL"] = "phi-4-mini" };

        var result = new VariantResolver(environment: environment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("rtx-4090"), new VariantResolverOptions { UseEnvironment = false });

        Assert.Equal("phi-3-mini-128k-instruct/cuda-fp16", result.Variant.Id);
        Assert.Empty(result.Overrides);
    }

    [Fact]
    public void Resolve_ProviderAutoInEnvironment_DoesNotForce()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_PROVIDER"] = "auto" };

        var result = new VariantResolver(environment: environment.GetValueOrDefault).Resolve(FakeMachines.Get("rtx-4090"));

        Assert.Equal("cuda-fp16", result.Variant.Name);
    }

    [Fact]
    public void Resolve_UnknownProviderInEnvironment_ThrowsNamingTheVariable()
    {
        var environment = new Dictionary<string, string?> { ["PHI3_PROVIDER"] = "tpu" };

        var error = Assert.Throws<ArgumentException>(() => new VariantResolver(environment: environment.GetValueOrDefault).Resolve(FakeMachines.Get("no-gpu")));

        Assert.Contains("PHI3_PROVIDER='tpu'", error.Message);
    }

    [Fact]
    public void Resolve_UnknownFamily_ThrowsListingKnownFamilies()
    {
        var error = Assert.Throws<ArgumentException>(() => new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("no-gpu"), new VariantResolverOptions { Family = "phi-9" }));

        Assert.Contains("Unknown model family 'phi-9'", error.Message);
        Assert.Contains("phi-3-mini-128k-instruct", error.Message);
    }

    [Fact]
    public void Resolve_VariantOfAnotherFamily_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("no-gpu"), new VariantResolverOptions { Family = "phi-3-mini-4k-instruct", Variant = "phi-4-mini-instruct/cpu-int4-rtn-block-32-acc-level-4" }));

        Assert.Contains("belongs to phi-4-mini-instruct", error.Message);
    }

    [Fact]
    public void Resolve_CudaOnlyFamilyWithoutGpu_ThrowsExplainingEachCandidate()
    {
        var error = Assert.Throws<VariantResolutionException>(() => new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("no-gpu"), new VariantResolverOptions { Family = "phi3-small" }));

        Assert.Contains("No variant of phi-3-small-128k-instruct can run", error.Message);
        Assert.Contains("cuda-fp16: needs an NVIDIA GPU", error.Message);
        Assert.Equal(2, error.Candidates.Count);
    }

    [Fact]
    public void Resolve_MemoryCeiling_ChoosesInt4AndSaysWhy()
    {
        var result = new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("rtx-4090"), new VariantResolverOptions { MemoryCeilingBytes = 5_000_000_000 });

        Assert.Equal("cuda-int4-rtn-block-32", result.Variant.Name);
        Assert.Contains("cuda-fp16: needs about 9.5 GB VRAM, over the memory ceiling of 5.0 GB", result.ToString());
    }

    [Fact]
    public void Resolve_SpeedPreference_ChoosesInt4OnLargeGpu()
    {
        var result = new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("rtx-4090"), new VariantResolverOptions { Preference = VariantPreference.Speed });

        Assert.Equal("cuda-int4-rtn-block-32", result.Variant.Name);
        Assert.Contains("int4 is faster and smaller (preference: speed)", result.ToString());
    }

    [Fact]
    public void Resolve_ForcedVariantThatMayNotFit_IsChosenWithAWarning()
    {
        var result = new VariantResolver(environment: NoEnvironment.GetValueOrDefault)
            .Resolve(FakeMachines.Get("laptop-6gb"), new VariantResolverOptions { Variant = "phi-3-mini-128k-instruct/cuda-fp16" });

        Assert.Equal("cuda-fp16", result.Variant.Name);
        Assert.Contains("it may not fit: needs about 9.5 GB VRAM", result.Reason);
    }

    [Fact]
    public void Resolve_LargerKvHeadroom_RejectsFp16ThatFitsByDefault()
    {
        var resolver = new VariantResolver(environment: NoEnvironment.GetValueOrDefault);

        var result = resolver.Resolve(FakeMachines.Get("v100"), new VariantResolverOptions { KvHeadroomTokens = 32_768 });

        Assert.Equal("cuda-int4-rtn-block-32", result.Variant.Name);
    }

    [Fact]
    public void EstimateRequiredBytes_MiniFp16_IsWeightsPlusKvPlusOverhead()
    {
        var variant = ModelCatalog.Default.FindVariant("phi-3-mini-128k-instruct/cuda-fp16")!;

        Assert.Equal(7_670_000_000 + (4096L * 393_216) + VariantResolver.RuntimeOverheadBytes, VariantResolver.EstimateRequiredBytes(variant));
        Assert.Equal(7_670_000_000 + VariantResolver.RuntimeOverheadBytes, VariantResolver.EstimateRequiredBytes(variant, 0));
    }

    [Fact]
    public async Task ResolveAsync_InjectedProbe_ResolvesForThatMachine()
    {
        var probe = new FixedProbe(FakeMachines.Get("windows-igpu"));

        var result = await new VariantResolver(environment: NoEnvironment.GetValueOrDefault).ResolveAsync(probe);

        Assert.Equal(ExecutionProvider.DirectML, result.Provider);
        Assert.Equal(1, probe.Calls);
    }

    private sealed class FixedProbe(HardwareInfo hardware) : IHardwareProbe
    {
        public int Calls { get; private set; }

        public ValueTask<HardwareInfo> ProbeAsync(CancellationToken cancellationToken = default)
        {
            Calls++;
            return ValueTask.FromResult(hardware);
        }
    }
}
