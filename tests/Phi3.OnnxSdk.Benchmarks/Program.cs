using Phi3.OnnxSdk.Benchmarks;

return args.Length > 0 && args[0] == "hub"
    ? await HubDownloadBenchmark.RunAsync(args[1..])
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: Phi3.OnnxSdk.Benchmarks hub [--size-mb N] [--runs N] [--dir PATH]");
    return 2;
}
