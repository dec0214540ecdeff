using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>Posts a chat request and reads the raw server-sent events: each <c>data:</c> payload, <c>[DONE]</c> included.</summary>
internal static class SseReader
{
    public static StringContent JsonBody(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static async Task<(HttpResponseMessage Response, List<string> Events)> PostAsync(HttpClient http, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = JsonBody(body) };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
            else
            {
                Assert.True(line.Length == 0, $"unexpected line in the event stream: '{line}'");
            }
        }

        return (response, events);
    }

    public static JsonElement Parse(string payload) => JsonDocument.Parse(payload).RootElement.Clone();
}
