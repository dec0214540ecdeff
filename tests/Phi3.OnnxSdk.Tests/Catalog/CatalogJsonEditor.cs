using System.Text.Json.Nodes;

namespace Phi3.OnnxSdk.Tests.Catalog;

/// <summary>Breaks the shipped catalog by hand, one entry at a time.</summary>
internal static class CatalogJsonEditor
{
    public const string TargetId = "phi-3-mini-128k-instruct/cuda-fp16";

    public static string Break(string json, string breakage)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var entry = root["models"]!.AsArray().Single(m => (string?)m!["id"] == TargetId)!.AsObject();
        switch (breakage)
        {
            case "missing-provider":
                entry.Remove("provider");
                break;
            case "missing-memory":
                entry.Remove("memory");
                break;
            case "unknown-provider":
                entry["provider"] = "tpu";
                break;
            case "file-escapes":
                entry["files"]!.AsArray().Add(new JsonObject { ["path"] = "../../secrets.txt" });
                break;
            case "absolute-file":
                entry["files"]!.AsArray().Add(new JsonObject { ["path"] = "/etc/passwd" });
                break;
            case "subfolder-escapes":
                entry["source"]!["subfolder"] = "cuda/../../other-repo";
                break;
            case "pinned-branch":
                entry["source"]!["hub"]!["pinned"] = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }

        return root.ToJsonString();
    }
}
