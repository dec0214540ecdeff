using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>
/// Every <c>csharp</c> block of the README compiles as written against the current source: each block is a program
/// of its own (top-level statements) with the implicit usings a new console app has and nothing else, so a block
/// that needs a namespace must show its <c>using</c> line.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static readonly string[] ConsoleImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    public static TheoryData<int, string> Blocks()
    {
        string readme = File.ReadAllText(Path.Combine(PackedFeed.RepositoryRoot, "README.md"));
        var data = new TheoryData<int, string>();
        int index = 0;
        foreach (Match match in CSharpBlock().Matches(readme))
        {
            data.Add(++index, match.Groups[1].Value);
        }

        return data;
    }

    [Fact]
    public void Readme_HasCSharpBlocks()
    {
        Assert.True(Blocks().Count >= 5, "the README's csharp blocks were not found");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Block_CompilesAsWritten(int block, string code)
    {
        string usings = string.Concat(ConsoleImplicitUsings.Select(u => $"global using global::{u};\n"));
        var compilation = CSharpCompilation.Create(
            $"ReadmeBlock{block}",
            [
                CSharpSyntaxTree.ParseText(usings, new CSharpParseOptions(LanguageVersion.Latest), "GlobalUsings.cs"),
                CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), $"README block {block}.cs"),
            ],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, $"README csharp block {block} does not compile:\n{string.Join('\n', errors)}\n---\n{code}");
    }

    /// <summary>Everything this test app can load: the runtime, the SDK's projects and their packages.</summary>
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();
}
