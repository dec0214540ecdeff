using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Resolution;
using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class ResolvedModelGenerationTests
{
    [Fact]
    public async Task Create_ThisMachinesResolvedVariantWithTinyModel_GeneratesTokens()
    {
        var resolution = await new VariantResolver(environment: _ => null).ResolveAsync(new SystemHardwareProbe());
        var folder = TestModelCache.GetOrBuild("tiny");

        using var config = GenAIConfigFactory.Create(folder, resolution);
        using var model = new Model(config);
        using var tokenizer = new Tokenizer(model);
        using var prompt = tokenizer.Encode("<|user|>\nHello world!<|end|>\n<|assistant|>\n");
        var promptLength = prompt[0].Length;
        using var generatorParams = new GeneratorParams(model);
        generatorParams.SetSearchOption("max_length", promptLength + 6);
        using var generator = new Generator(model, generatorParams);
        generator.AppendTokenSequences(prompt);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        var output = generator.GetSequence(0).ToArray();
        var text = tokenizer.Decode(output.AsSpan(promptLength).ToArray());

        // No GPU here, so the resolver picks CPU int4; the tiny model stands in for the variant's weights.
        Assert.Equal(ExecutionProvider.Cpu, resolution.Provider);
        Assert.Equal(promptLength + 6, output.Length);
        Assert.False(string.IsNullOrWhiteSpace(text));
    }

    [Fact]
    public void Create_CudaOnCpuOnlyBuild_ModelLoadFailsInsteadOfRunningOnCpu()
    {
        var folder = TestModelCache.GetOrBuild("tiny");

        using var config = GenAIConfigFactory.Create(folder, ExecutionProvider.Cuda);
        // The provider reached onnxruntime-genai: it looks for the CUDA add-on the hardware probe looks for, and fails loudly.
        var error = Assert.Throws<OnnxRuntimeGenAIException>(() => new Model(config).Dispose());

        Assert.Contains("onnxruntime-genai-cuda", error.Message);
    }
}
