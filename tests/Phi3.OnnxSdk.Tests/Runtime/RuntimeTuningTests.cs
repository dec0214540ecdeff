using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.Runtime.Batching;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class RuntimeTuningTests
{
    [Fact]
    public void ToOverlayJson_NothingSet_ReturnsNull()
    {
        Assert.Null(new RuntimeTuning().ToOverlayJson());
    }

    [Fact]
    public void ToOverlayJson_AllSet_WritesGenAIConfigPaths()
    {
        string json = new RuntimeTuning { IntraOpThreads = 2, MaxLength = 512, MaxBatchSize = 8 }.ToOverlayJson()!;

        Assert.Equal("""{"model":{"decoder":{"session_options":{"intra_op_num_threads":2}}},"search":{"max_length":512},"engine":{"static_batching":{"max_batch_size":8}}}""", json);
    }

    [Fact]
    public void CreateConfig_MaxBatchSize_SetsEngineBatchSize()
    {
        string folder = TestModelCache.GetOrBuild("tiny");
        using var config = new RuntimeTuning { MaxBatchSize = 8 }.CreateConfig(folder);
        using var model = new Phi3Model(folder, config);
        using var scheduler = BatchingScheduler.Create(model);

        Assert.Equal(8, scheduler.MaxBatchSize);
    }

    [Fact]
    public void CreateConfig_Default_SetsThreadsPerLogicalProcessorAndKeepsBatchFour()
    {
        Assert.Equal(Environment.ProcessorCount, RuntimeTuning.Default.IntraOpThreads);
        string folder = TestModelCache.GetOrBuild("tiny");
        using var config = RuntimeTuning.Default.CreateConfig(folder);
        using var model = new Phi3Model(folder, config);
        using var scheduler = BatchingScheduler.Create(model);

        Assert.Equal(4, scheduler.MaxBatchSize);
    }

    [Fact]
    public void CreateConfig_MaxLength_CapsGeneratorLength()
    {
        using var config = new RuntimeTuning { MaxLength = 64, IntraOpThreads = 1 }.CreateConfig(TestModelCache.GetOrBuild("tiny"));
        using var model = new Model(config);
        using var parameters = new GeneratorParams(model);

        Assert.Equal(64, parameters.GetSearchNumber("max_length"));
    }
    [Fact]
    public void ForFolder_ConfigWithoutThreads_UsesTheDefault()
    {
        Assert.Equal(RuntimeTuning.Default, RuntimeTuning.ForFolder(TestModelCache.GetOrBuild("tiny")));
    }

    [Fact]
    public void ForFolder_ConfigSettingItsOwnThreads_KeepsThem()
    {
        string folder = Directory.CreateTempSubdirectory("phi3-tuning-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "genai_config.json"),
                """{"model":{"decoder":{"session_options":{"intra_op_num_threads":3}}}}""");

            var tuning = RuntimeTuning.ForFolder(folder);

            Assert.Null(tuning.IntraOpThreads);
            Assert.Null(tuning.ToOverlayJson());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
