using System.Text.Json;
using Json.Schema;
using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Tests.Catalog;

public sealed class ModelsSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(RepositoryFiles.Read("models.schema.json"));

    [Fact]
    public void Evaluate_ShippedModelsJson_IsValid()
    {
        var result = Schema.Evaluate(JsonDocument.Parse(RepositoryFiles.Read("models.json")).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void Default_EmbeddedCatalog_IsTheShippedFile()
    {
        var fromFile = ModelCatalog.Parse(RepositoryFiles.Read("models.json"));

        Assert.Equal(fromFile.Variants.Select(v => v.Id), ModelCatalog.Default.Variants.Select(v => v.Id));
    }

    [Theory]
    [InlineData("missing-provider")]
    [InlineData("missing-memory")]
    [InlineData("unknown-provider")]
    [InlineData("file-escapes")]
    [InlineData("absolute-file")]
    [InlineData("subfolder-escapes")]
    [InlineData("pinned-branch")]
    public void Evaluate_HandBrokenEntry_IsInvalid(string breakage)
    {
        var json = CatalogJsonEditor.Break(RepositoryFiles.Read("models.json"), breakage);

        Assert.False(Schema.Evaluate(JsonDocument.Parse(json).RootElement).IsValid);
    }
}
