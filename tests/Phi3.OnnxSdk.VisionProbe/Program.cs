using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.VisionProbe;

// vision-probe <model-folder> <cases.json>: runs each case through the raw onnxruntime-genai 0.18 API
// (Model, MultiModalProcessor, Images, Generator.SetInputs, greedy GenerateNextToken) and writes one
// JSON ProbeResult per line on stdout. Before each native step it writes "begin <case> <step>" on
// stderr, so a parent that sees this process die or hang knows where. Exit 0 when every case ran
// (thrown runtime errors are results), 2 on bad arguments; anything else is the runtime's doing.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: vision-probe <model-folder> <cases.json>");
    return 2;
}

var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
var cases = JsonSerializer.Deserialize<List<ProbeCase>>(File.ReadAllText(args[1]), json)
    ?? throw new InvalidDataException($"{args[1]} holds no cases.");

Console.Error.WriteLine("begin model load");
using var model = new Model(args[0]);
using var tokenizer = new Tokenizer(model);
using var processor = new MultiModalProcessor(model);
foreach (var probe in cases)
{
    ProbeResult result;
    try
    {
        result = Run(probe);
    }
    catch (OnnxRuntimeGenAIException ex)
    {
        result = new ProbeResult(probe.Name, 0, new Dictionary<int, int>(), [], [], $"{ex.GetType().Name}: {ex.Message}");
    }

    Console.WriteLine(JsonSerializer.Serialize(result, json));
    Console.Out.Flush();
}

return 0;

ProbeResult Run(ProbeCase probe)
{
    using var parameters = new GeneratorParams(model);
    parameters.SetSearchOption("max_length", probe.MaxLength);
    using var generator = new Generator(model, parameters);
    if (probe.AppendTokens)
    {
        Step(probe, "encode");
        using var sequences = tokenizer.Encode(probe.Prompt);
        generator.AppendTokenSequences(sequences);
    }
    else
    {
        Step(probe, "load");
        using var images = LoadImages(probe);
        Step(probe, "process");
        using var inputs = processor.ProcessImages(probe.Prompt, images);
        Step(probe, "prefill");
        generator.SetInputs(inputs);
    }

    int[] prompt = generator.GetSequence(0).ToArray();
    Step(probe, "generate");
    for (int i = 0; i < probe.NewTokens && !generator.IsDone(); i++)
    {
        generator.GenerateNextToken();
    }

    int[] all = generator.GetSequence(0).ToArray();
    var negative = prompt.Where(id => id < 0).ToArray();
    return new ProbeResult(
        probe.Name,
        prompt.Length,
        negative.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count()),
        negative.Distinct().ToArray(),
        all[prompt.Length..],
        null);
}

static Images? LoadImages(ProbeCase probe)
{
    if (probe.ImageBytesFile is { } bytesFile)
    {
        return Images.Load(File.ReadAllBytes(bytesFile));
    }

    return probe.ImageFiles is { Count: > 0 } files ? Images.Load([.. files]) : null;
}

static void Step(ProbeCase probe, string step)
{
    Console.Error.WriteLine($"begin {probe.Name} {step}");
    Console.Error.Flush();
}
