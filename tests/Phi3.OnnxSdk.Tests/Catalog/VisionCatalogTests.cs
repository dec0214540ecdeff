using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Tests.Catalog;

public sealed class VisionCatalogTests
{
    [Theory]
    [InlineData("phi-3-vision-128k-instruct", new[] { "cpu-int4-rtn-block-32-acc-level-4", "cuda-fp16", "cuda-int4-rtn-block-32", "directml-int4-rtn-block-32" })]
    [InlineData("phi-3.5-vision-instruct", new[] { "cpu-int4-rtn-block-32-acc-level-4", "gpu-int4-rtn-block-32-cuda", "gpu-int4-rtn-block-32-dml" })]
    public void Default_VisionFamily_HasItsPublishedVariantsAllWithVision(string familyId, string[] variants)
    {
        var catalog = ModelCatalog.Default;
        var found = catalog.GetVariants(catalog.FindFamily(familyId)!);

        Assert.Equal(variants, found.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal([ExecutionProvider.Cpu, ExecutionProvider.Cuda, ExecutionProvider.DirectML], found.Select(v => v.Provider).Distinct().Order());
        Assert.All(found, v =>
        {
            Assert.Equal(ModelCapabilities.Text | ModelCapabilities.Vision, v.Capabilities);
            Assert.Contains(v.Files, f => f.Path == "processor_config.json");
            Assert.Contains(v.Files, f => f.Path == "genai_config.json");
        });
    }

    [Fact]
    public void Default_TextFamilies_HaveNoVisionVariant()
    {
        var catalog = ModelCatalog.Default;
        var textFamilies = catalog.Families.Where(f => !f.Id.Contains("vision", StringComparison.Ordinal));

        Assert.All(textFamilies.SelectMany(catalog.GetVariants), v => Assert.Equal(ModelCapabilities.Text, v.Capabilities));
    }

    [Fact]
    public void Default_Phi35VisionCpu_NamesItsThreeGraphs()
    {
        var variant = ModelCatalog.Default.FindVariant("phi-3.5-vision-instruct/cpu-int4-rtn-block-32-acc-level-4")!;

        Assert.Equal("cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4", variant.Source.Subfolder);
        foreach (string graph in new[] { "vision", "embedding", "text" })
        {
            Assert.Contains(variant.Files, f => f.Path == $"phi-3.5-v-instruct-{graph}.onnx");
            Assert.Contains(variant.Files, f => f.Path == $"phi-3.5-v-instruct-{graph}.onnx.data");
        }
    }
}
