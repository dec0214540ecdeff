using System.Text.Json.Nodes;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class SchemaRelaxerTests
{
    [Fact]
    public void Relax_UnenforceableKeywords_RemovedFromCopyWithSiblingsKeptAndListed()
    {
        var schema = (JsonObject)JsonNode.Parse("""
            {"type":"object","properties":{"code":{"type":"string","maxLength":4,"not":{"const":"root"}},
             "tags":{"type":"array","items":{"type":"string","format":"uri"},"uniqueItems":true}},"required":["code"]}
            """)!;
        var relaxations = new List<SchemaRelaxation>();

        var relaxed = SchemaRelaxer.Relax(schema, "t", withoutPatterns: false, relaxations);

        Assert.Equal("""{"type":"object","properties":{"code":{"type":"string","maxLength":4},"tags":{"type":"array","items":{"type":"string"}}},"required":["code"]}""", relaxed.ToJsonString());
        Assert.Equal(
            [("/properties/code", "not"), ("/properties/tags/items", "format"), ("/properties/tags", "uniqueItems")],
            relaxations.Select(r => (r.Location, r.Keyword)));
        Assert.All(relaxations, r => Assert.Equal("t", r.Owner));
        Assert.NotNull(schema["properties"]!["code"]!["not"]);
    }

    [Theory]
    [InlineData("""{"type":"string","format":"uri"}""", true)]
    [InlineData("""{"format":"iri"}""", true)]
    [InlineData("""{"type":["string","null"],"format":"uri-reference"}""", true)]
    [InlineData("""{"type":"integer","format":"int32"}""", false)]
    [InlineData("""{"type":"string","format":"date-time"}""", false)]
    [InlineData("""{"type":"string","format":"email"}""", false)]
    [InlineData("""{"type":"string","pattern":"^(?!x)"}""", true)]
    [InlineData("""{"type":"string","pattern":"(a)\\1"}""", true)]
    [InlineData("""{"type":"string","pattern":"^[a-z]+$"}""", false)]
    [InlineData("""{"type":"object","properties":{"a":{}},"minProperties":1}""", true)]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":["a"],"minProperties":1}""", false)]
    [InlineData("""{"type":"object","minProperties":1}""", false)]
    [InlineData("""{"$ref":"https://example.com/x.json"}""", true)]
    [InlineData("""{"$ref":"#/$defs/x","$defs":{"x":{}}}""", false)]
    public void Relax_Keyword_RemovedOnlyWhereGuidanceCannotEnforceIt(string schema, bool removed)
    {
        var relaxations = new List<SchemaRelaxation>();

        var relaxed = SchemaRelaxer.Relax((JsonObject)JsonNode.Parse(schema)!, null, withoutPatterns: false, relaxations);

        Assert.Equal(removed, relaxed.ToJsonString() != JsonNode.Parse(schema)!.ToJsonString());
        Assert.Equal(removed, relaxations.Count == 1);
    }

    [Fact]
    public void Relax_OneOfAndContentEncoding_KeptButListed()
    {
        const string schema = """{"type":"object","properties":{"v":{"oneOf":[{"type":"integer"},{"type":"number"}]},"b":{"type":"string","contentEncoding":"base64"}}}""";
        var relaxations = new List<SchemaRelaxation>();

        var relaxed = SchemaRelaxer.Relax((JsonObject)JsonNode.Parse(schema)!, null, withoutPatterns: false, relaxations);

        Assert.Equal(schema, relaxed.ToJsonString());
        Assert.Equal(["oneOf", "contentEncoding"], relaxations.Select(r => r.Keyword));
    }

    [Fact]
    public void Relax_WithoutPatterns_RemovesEveryPattern()
    {
        var relaxations = new List<SchemaRelaxation>();

        var relaxed = SchemaRelaxer.Relax((JsonObject)JsonNode.Parse("""{"type":"object","properties":{"a":{"type":"string","pattern":"^a$"}}}""")!, null, withoutPatterns: true, relaxations);

        Assert.Null(relaxed["properties"]!["a"]!["pattern"]);
        Assert.Equal("pattern", Assert.Single(relaxations).Keyword);
    }

    [Theory]
    [InlineData("", "(the arguments)")]
    [InlineData("/properties/url", "url")]
    [InlineData("/properties/order/properties/stops/items/properties/x", "order.stops[].x")]
    [InlineData("/properties/tags/additionalProperties", "tags.*")]
    [InlineData("/properties/pair/prefixItems/1", "pair[1]")]
    [InlineData("/$defs/place/properties/a~1b", "$defs/place.a/b")]
    public void DisplayPath_SchemaPointer_NamesTheInstancePlace(string location, string expected) =>
        Assert.Equal(expected, SchemaRelaxation.DisplayPath(location));
}
