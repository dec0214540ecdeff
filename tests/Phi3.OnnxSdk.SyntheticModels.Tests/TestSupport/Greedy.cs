namespace Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

/// <summary>Runs the raw onnxruntime-genai greedy loop on a model folder.</summary>
internal static class Greedy
{
    public static int[] Generate(string modelFolder, string prompt, int newTokens)
    {
        using var model = new Model(modelFolder);
        using var tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(model);
        using var sequences = tokenizer.Encode(prompt);
        int promptLength = sequences[0].Length;
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", promptLength + newTokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokenSequences(sequences);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        return generator.GetSequence(0).ToArray()[promptLength..];
    }
}
