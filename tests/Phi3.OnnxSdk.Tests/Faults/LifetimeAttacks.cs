using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime.Batching;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Native objects used after their owner is gone, and disposal racing generation (run in a child process by
/// <see cref="LifetimeFaultTests"/>): each ends in a working object or a .NET exception, never a native crash.
/// </summary>
public sealed class LifetimeAttacks
{
    private static readonly int[] HelloWorld = [15043, 3186, 29991];

    private LifetimeAttacks()
    {
    }

    // The model the attacks that do not free it share; the others free theirs, which is what they attack.
    private static readonly Lazy<Phi3Model> s_shared = new(() => new Phi3Model(Tiny));

    private static string Tiny => TestModelCache.GetOrBuild("tiny");

    /// <summary>The reproduction: <c>GetService&lt;Model&gt;()</c>, dispose the client, then use the model.</summary>
    [Attack]
    public static void HandedOutModelOutlivesTheClient()
    {
        var client = new Phi3ChatClient(Tiny);
        var model = client.GetService<Model>()!;
        client.Dispose();

        using (var parameters = new GeneratorParams(model))
        {
            parameters.SetSearchOption("max_length", 8);
            using var generator = new Generator(model, parameters);
            generator.AppendTokens([1, 32010, 15043, 32007, 32001]);
            generator.GenerateNextToken();
            Assert.InRange(generator.GetNextTokens()[0], 0, 32063);
        }

        model = null;
        ChildEntryPoint.ForceCollection();
    }

    /// <summary>A handed-out model is freed only by the GC, so the GC is told about its native memory until then, once.</summary>
    [Attack]
    public static void HandedOutModelReportsItsMemoryUntilCollected()
    {
        long weights = Directory.EnumerateFiles(Tiny, "*.onnx*").Sum(f => new FileInfo(f).Length);
        Assert.True(weights > 0);
        long before = OnnxSdk.Runtime.Native.HandOutLifetime.ReportedPressure;

        long whileHeld = HandOutAndDrop(before);

        Assert.Equal(before + weights, whileHeld);
        ChildEntryPoint.ForceCollection();
        Assert.Equal(before, OnnxSdk.Runtime.Native.HandOutLifetime.ReportedPressure);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long HandOutAndDrop(long before)
    {
        var phi3 = new Phi3Model(Tiny);
        Assert.Equal(before, OnnxSdk.Runtime.Native.HandOutLifetime.ReportedPressure);
        var model = phi3.Model;
        _ = phi3.Model;
        using (var client = new Phi3ChatClient(phi3))
        {
            _ = client.GetService<Model>();
        }

        long held = OnnxSdk.Runtime.Native.HandOutLifetime.ReportedPressure;
        phi3.Dispose();
        GC.KeepAlive(model);
        return held;
    }

    [Attack]
    public static void HandedOutTokenizerOutlivesTheModel()
    {
        var phi3 = new Phi3Model(Tiny);
        var tokenizer = phi3.Tokenizer;
        phi3.Dispose();

        using (var sequences = tokenizer.Encode("Hello world!"))
        {
            Assert.Equal(HelloWorld, sequences[0].ToArray());
        }

        using (var stream = tokenizer.CreateStream())
        {
            Assert.Contains("Hello", stream.Decode(HelloWorld[0]), StringComparison.Ordinal);
        }

        tokenizer = null;
        ChildEntryPoint.ForceCollection();
    }

    /// <summary>A caller that disposes what GetService gave it does not pull the model from under the client.</summary>
    [Attack]
    public static async Task HandedOutObjectsDisposedByTheCaller()
    {
        using var client = new Phi3ChatClient(s_shared.Value);
        client.GetService<Model>()!.Dispose();
        client.GetService<Tokenizer>()!.Dispose();
        ChildEntryPoint.ForceCollection();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 4 });
        Assert.Equal(4, response.Usage!.OutputTokenCount);
    }

    [Attack]
    public static void NativeObjectsAfterDispose_ThrowObjectDisposed()
    {
        var client = new Phi3ChatClient(Tiny);
        client.Dispose();
        Assert.Throws<ObjectDisposedException>(() => client.GetService<Model>());
        Assert.Throws<ObjectDisposedException>(() => client.GetService<Tokenizer>());
        Assert.Throws<ObjectDisposedException>(() => client.Model.Model);
    }

    /// <summary>The model a batching client shares is disposed while batched requests stream: each ends or fails cleanly.</summary>
    [Attack]
    public static async Task SharedModelDisposedWhileBatchedRequestsRun()
    {
        var model = new Phi3Model(Tiny);
        using var client = new Phi3ChatClient(model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 4, EnableKvReuse = false, EnableBatching = true, BatchGatherTime = TimeSpan.FromMilliseconds(200) });
        var started = new CountdownEvent(4);
        var requests = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            bool first = true;
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"Question {i}")], new ChatOptions { MaxOutputTokens = 120 }))
            {
                if (first && update.Text.Length > 0)
                {
                    first = false;
                    started.Signal();
                }
            }
        })).ToArray();

        Assert.True(started.Wait(TimeSpan.FromSeconds(60)), "the batched requests did not start");
        model.Dispose();
        foreach (var request in requests)
        {
            var ex = await Record.ExceptionAsync(() => request.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(ex is null or ObjectDisposedException, $"got {ex}");
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "after")]));
        ChildEntryPoint.ForceCollection();
    }

    /// <summary>The generator batch scheduler over a disposed model: its batch fails with ObjectDisposedException.</summary>
    [Attack]
    public static async Task BatchSchedulerOverADisposedModel()
    {
        var model = new Phi3Model(Tiny);
        using var scheduler = new GeneratorBatchScheduler(model, model.ContextLength, 32000, [32000, 32001, 32007], 4);
        model.Dispose();
        var generation = scheduler.Submit(new BatchRequest([1, 32010, 15043, 32007, 32001], 4));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => generation.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>The engine scheduler leases the model: disposing the model after creating it leaves the scheduler working.</summary>
    [Attack]
    public static async Task EngineSchedulerOutlivesItsModel()
    {
        var model = new Phi3Model(Tiny);
        using var scheduler = BatchingScheduler.Create(model);
        model.Dispose();
        ChildEntryPoint.ForceCollection();
        var generation = scheduler.Submit(new BatchRequest([1, 32010, 15043, 32007, 32001], 4));
        Assert.Equal(BatchFinishReason.Length, await generation.Completion.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>GeneratorParams over a model whose native object is gone: an exception before the native call, and a finalizer that does nothing.</summary>
    [Attack]
    public static void GeneratorParamsOverAFreedModel()
    {
        var model = new Phi3Model(Tiny);
        var native = model.NativeModel;
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => new OnnxSdk.Runtime.Native.GuardedGeneratorParams(native));
        ChildEntryPoint.ForceCollection();
    }

    /// <summary>Many requests and a dispose from other threads at once: every request ends, with an answer or a .NET exception.</summary>
    [Attack]
    public static async Task DisposeRacingManyRequests()
    {
        var client = new Phi3ChatClient(Tiny, new Phi3ChatClientOptions { MaxConcurrentGenerations = 3 });
        var requests = Enumerable.Range(0, 8).Select(i => Task.Run(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, $"Question {i}")], new ChatOptions { MaxOutputTokens = 200 }))).ToArray();
        await Task.Delay(50);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(client.Dispose)));
        foreach (var request in requests)
        {
            var ex = await Record.ExceptionAsync(() => request.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(ex is null or ObjectDisposedException or OperationCanceledException, $"got {ex}");
        }

        ChildEntryPoint.ForceCollection();
    }
}
