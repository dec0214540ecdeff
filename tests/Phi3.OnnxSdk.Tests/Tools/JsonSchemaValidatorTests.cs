using System.Text.Json;
using System.Text.Json.Nodes;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>The SDK's small validator against a table whose verdicts JsonSchema.Net (formats asserted) confirms.</summary>
public sealed class JsonSchemaValidatorTests
{
    [Theory]
    [InlineData("""{"type":"string","format":"uri"}""", "\"https://example.com/a?b=1\"", true)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"not a uri\"", false)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"relative/path\"", false)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"/etc/passwd\"", false)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"C:\\\\Windows\\\\win.ini\"", false)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"//host/path\"", false)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"file:///etc/passwd\"", true)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"urn:isbn:0451450523\"", true)]
    [InlineData("""{"type":"string","format":"uri"}""", "\"mailto:a@b.org\"", true)]
    [InlineData("""{"type":"string","format":"uri-reference"}""", "\"/etc/passwd\"", true)]
    [InlineData("""{"type":"string","format":"uri-reference"}""", "\"relative/path\"", true)]
    [InlineData("""{"type":"string","format":"email"}""", "\"a@b.org\"", true)]
    [InlineData("""{"type":"string","format":"email"}""", "\"ab.org\"", false)]
    [InlineData("""{"type":"string","format":"uuid"}""", "\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"", true)]
    [InlineData("""{"type":"string","format":"uuid"}""", "\"3f2504e0\"", false)]
    [InlineData("""{"type":"string","format":"date"}""", "\"2024-02-29\"", true)]
    [InlineData("""{"type":"string","format":"date"}""", "\"2023-02-29\"", false)]
    [InlineData("""{"type":"string","format":"date-time"}""", "\"2024-01-02T03:04:05Z\"", true)]
    [InlineData("""{"type":"string","format":"date-time"}""", "\"2024-01-02 03:04\"", false)]
    [InlineData("""{"type":"string","format":"ipv4"}""", "\"192.168.0.1\"", true)]
    [InlineData("""{"type":"string","format":"ipv4"}""", "\"256.1.1.1\"", false)]
    [InlineData("""{"type":"string","format":"ipv6"}""", "\"::1\"", true)]
    [InlineData("""{"type":"string","format":"regex"}""", "\"[unclosed\"", false)]
    [InlineData("""{"type":"string","format":"some-unknown-format"}""", "\"anything\"", true)]
    [InlineData("""{"type":"string","not":{"enum":["x","y"]}}""", "\"x\"", false)]
    [InlineData("""{"type":"string","not":{"enum":["x","y"]}}""", "\"z\"", true)]
    [InlineData("""{"type":"string","contentEncoding":"base64"}""", "\"aGk=\"", true)]
    [InlineData("""{"type":"string","pattern":"^(?=.*\\d)[a-z\\d]{4,8}$"}""", "\"abcd\"", false)]
    [InlineData("""{"type":"string","pattern":"^(?=.*\\d)[a-z\\d]{4,8}$"}""", "\"abc1\"", true)]
    [InlineData("""{"type":"string","pattern":"b"}""", "\"abc\"", true)]
    [InlineData("""{"type":"string","minLength":2,"maxLength":3}""", "\"日本\"", true)]
    [InlineData("""{"type":"string","maxLength":1}""", "\"😀\"", true)]
    [InlineData("""{"type":"array","uniqueItems":true}""", "[1,2,1]", false)]
    [InlineData("""{"type":"array","uniqueItems":true}""", "[1,1.0]", false)]
    [InlineData("""{"type":"array","uniqueItems":true}""", "[{\"a\":1},{\"a\":2}]", true)]
    [InlineData("""{"type":"array","contains":{"const":1},"minContains":2}""", "[1,2,1]", true)]
    [InlineData("""{"type":"array","contains":{"const":1},"maxContains":1}""", "[1,2,1]", false)]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", "[\"a\",1,2]", true)]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", "[\"a\",\"b\"]", false)]
    [InlineData("""{"type":"array","minItems":2,"maxItems":2}""", "[1]", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number"}]}""", "1", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number"}]}""", "1.5", true)]
    [InlineData("""{"anyOf":[{"type":"integer"},{"type":"null"}]}""", "\"s\"", false)]
    [InlineData("""{"allOf":[{"type":"integer"},{"minimum":3}]}""", "2", false)]
    [InlineData("""{"type":"integer","exclusiveMinimum":0,"maximum":10,"multipleOf":5}""", "10", true)]
    [InlineData("""{"type":"integer","exclusiveMinimum":0}""", "0", false)]
    [InlineData("""{"type":"number","multipleOf":0.1}""", "0.3", true)]
    [InlineData("""{"type":"integer"}""", "1.0", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"const":{"a":[1,2]}}""", "{\"a\":[1,2.0]}", true)]
    [InlineData("""{"type":"object","properties":{"k":{"enum":["a","b"]},"x":{"type":"integer"}},"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"not":{"required":["x"]}}}""", "{\"k\":\"a\"}", false)]
    [InlineData("""{"type":"object","properties":{"k":{"enum":["a","b"]},"x":{"type":"integer"}},"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"not":{"required":["x"]}}}""", "{\"k\":\"b\",\"x\":1}", false)]
    [InlineData("""{"type":"object","properties":{"k":{"enum":["a","b"]},"x":{"type":"integer"}},"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"not":{"required":["x"]}}}""", "{\"k\":\"a\",\"x\":1}", true)]
    [InlineData("""{"type":"object","dependentRequired":{"x":["y"]}}""", "{\"x\":1}", false)]
    [InlineData("""{"type":"object","dependentSchemas":{"x":{"required":["y"]}}}""", "{\"x\":1,\"y\":2}", true)]
    [InlineData("""{"type":"object","propertyNames":{"maxLength":2}}""", "{\"abc\":1}", false)]
    [InlineData("""{"type":"object","minProperties":1}""", "{}", false)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}},"patternProperties":{"^x":{"type":"string"}},"additionalProperties":false}""", "{\"a\":1,\"xy\":\"s\"}", true)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}},"patternProperties":{"^x":{"type":"string"}},"additionalProperties":false}""", "{\"a\":1,\"b\":2}", false)]
    [InlineData("""{"type":"object","required":["a"]}""", "{}", false)]
    [InlineData("""{"type":"object","properties":{"p":{"$ref":"#/$defs/pos"}},"$defs":{"pos":{"type":"integer","minimum":0}}}""", "{\"p\":-1}", false)]
    [InlineData("""{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}}}""", "{\"v\":1,\"next\":{\"v\":\"two\"}}", false)]
    [InlineData("""{"type":"object","properties":{"a/b":{"type":"integer"}},"$defs":{"x":{"$ref":"#/properties/a~1b"}},"additionalProperties":{"$ref":"#/$defs/x"}}""", "{\"c\":\"s\"}", false)]
    [InlineData("""{"type":["string","null"],"enum":["a",null]}""", "null", true)]
    [InlineData("""{"type":"boolean"}""", "0", false)]
    [InlineData("""{"properties":{"a":false}}""", "{\"a\":1}", false)]
    public void Validate_Instance_SameVerdictAsJsonSchemaNet(string schema, string instance, bool valid)
    {
        var element = JsonDocument.Parse(instance).RootElement;

        var errors = JsonSchemaValidator.Validate(JsonNode.Parse(schema)!, element);

        Assert.Equal(valid, TestTools.IsValid(schema, element));
        Assert.True(valid == (errors.Count == 0), $"{instance} against {schema}: {string.Join("; ", errors)}");
    }

    [Fact]
    public void Validate_Violations_NameTheInstancePathAndKeyword()
    {
        const string schema = """{"type":"object","properties":{"url":{"type":"string","format":"uri"},"items":{"type":"array","items":{"type":"string","not":{"const":"x"}}}}}""";

        var errors = JsonSchemaValidator.Validate(JsonNode.Parse(schema)!, JsonDocument.Parse("""{"url":"nope","items":["a","x"]}""").RootElement);

        Assert.Equal(["/url: does not satisfy \"format\":\"uri\"", "/items/1: does not satisfy \"not\":{\"const\":\"x\"}"], errors);
    }

    [Theory]
    [InlineData("""{"$ref":"https://example.com/remote.json"}""", "{\"a\":\"b\"}")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "{\"a\":\"b\"}")]
    [InlineData("""{"type":"string","pattern":"[unclosed"}""", "\"b\"")]
    [InlineData("""{"unevaluatedProperties":false}""", "{\"a\":\"b\"}")]
    public void Validate_WhatItCannotCheck_Passes(string schema, string instance) =>
        Assert.Empty(JsonSchemaValidator.Validate(JsonNode.Parse(schema)!, JsonDocument.Parse(instance).RootElement));
}
