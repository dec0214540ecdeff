using Phi3.OnnxSdk.Benchmarks;

// Every IBenchmark in this assembly, by name.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

bool quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToList();
if (rest.Count == 0 || rest[0] is "--help" or "-h")
{
    Console.WriteLine("usage: scripts/bench.sh <benchmark|all> [--quick] [options]");
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-12} {b.Description}");
    }

    return rest.Count == 0 ? 2 : 0;
}

var selected = rest[0] == "all" ? benchmarks : benchmarks.Where(b => b.Name == rest[0]).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"Unknown benchmark '{rest[0]}'. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}.");
    return 2;
}

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
foreach (var benchmark in selected)
{
    Console.WriteLine($"## {benchmark.Name}: {benchmark.Description}");
    await benchmark.RunAsync(new BenchmarkContext(quick, rest.Skip(1).ToList(), Console.Out));
}

return 0;
