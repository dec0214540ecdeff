using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests;

/// <summary>The synthetic tiny Phi-3 model, loaded once for the tests that share this collection.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Folder = TestModelCache.GetOrBuild("tiny");
        Model = new Phi3Model(Folder);
    }

    public string Folder { get; }

    public Phi3Model Model { get; }

    /// <summary>Greedy ids from a fresh generator fed <paramref name="prompt"/> at once (the reference).</summary>
    public int[] GenerateRaw(int[] prompt, int maxTokens)
    {
        using var parameters = new GeneratorParams(Model.Model);
        parameters.SetSearchOption("max_length", prompt.Length + maxTokens);
        using var generator = new Generator(Model.Model, parameters);
        generator.AppendTokens(prompt);
        var ids = new List<int>();
        while (ids.Count < maxTokens && !generator.IsDone())
        {
            generator.GenerateNextToken();
            ids.Add(generator.GetNextTokens()[0]);
        }

        return [.. ids];
    }

    /// <summary>The text a raw generator loop streams for <paramref name="ids"/> through a native TokenizerStream.</summary>
    public string StreamDecode(IEnumerable<int> ids)
    {
        using var stream = Model.Tokenizer.CreateStream();
        return string.Concat(ids.Select(stream.Decode));
    }

    public int[] Encode(string text)
    {
        using var sequences = Model.Tokenizer.Encode(text);
        return sequences[0].ToArray();
    }

    public void Dispose() => Model.Dispose();
}
