using System.Buffers;
using System.ClientModel;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Server.Mapping;
using Phi3.OnnxSdk.Server.Protocol;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// <c>POST /v1/chat/completions</c>: checks readiness, reads and maps the body, takes a slot, runs the chat client with
/// the request's abort token (a client that disconnects cancels its generation and frees the slot), and answers with a
/// completion or server-sent events. Thread-safe; one instance serves all requests.
/// </summary>
internal sealed class ChatCompletionsHandler
{
    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 64 };
    private static readonly object s_done = new();
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = ProtocolJsonContext.WireEncoder };
    private readonly OpenAIEndpointContext _endpoint;
    private readonly ILogger _logger;

    public ChatCompletionsHandler(OpenAIEndpointContext endpoint, ILogger logger)
    {
        _endpoint = endpoint;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext http)
    {
        string requestId = http.TraceIdentifier;
        var aborted = http.RequestAborted;
        try
        {
            if (!_endpoint.Readiness.IsReady)
            {
                _endpoint.Readiness.EnsureLoading();
                await RejectAsync(http, OpenAIErrors.Loading(_endpoint.Readiness.Failure), _endpoint.RetryAfterSeconds).ConfigureAwait(false);
                return;
            }

            var request = await ReadAsync(http).ConfigureAwait(false);
            foreach (string field in request.UnknownFields)
            {
                if (_endpoint.FirstSightOfUnknownField(field))
                {
                    ServerLog.UnknownFieldIgnored(_logger, requestId, field);
                }
            }

            string served = _endpoint.ServedModelId;
            if (request.Model is { Length: > 0 } asked && !string.Equals(asked, served, StringComparison.OrdinalIgnoreCase))
            {
                throw OpenAIErrors.UnknownModel(asked, served);
            }

            using var slot = await _endpoint.Gate.EnterAsync(aborted).ConfigureAwait(false);
            if (!slot.IsAcquired)
            {
                await RejectAsync(http, OpenAIErrors.QueueFull(_endpoint.Gate.MaxConcurrent, _endpoint.MaxQueued), _endpoint.RetryAfterSeconds).ConfigureAwait(false);
                return;
            }

            string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (request.Stream)
            {
                await StreamAsync(http, request, id, created, served).ConfigureAwait(false);
                return;
            }

            var response = await _endpoint.Client.GetResponseAsync(request.Messages, request.Options, aborted).ConfigureAwait(false);
            var completion = ChatResponseMapper.ToCompletion(response, id, created, served);
            LogMarkers(requestId, ResponseMarkers.Of(response));
            LogCompleted(requestId, served, stream: false, completion.Usage, completion.Choices[0].FinishReason);
            await http.Response.WriteAsJsonAsync(completion, ProtocolJsonContext.Wire.ChatCompletion, contentType: null, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            ServerLog.ClientDisconnected(_logger, requestId);
        }
#pragma warning disable CA1031 // Every failure becomes an OpenAI error response (500 for the unexpected, logged).
        catch (Exception ex) when (!http.Response.HasStarted)
#pragma warning restore CA1031
        {
            await RejectAsync(http, Classify(ex, requestId), null).ConfigureAwait(false);
        }
    }

    /// <summary>The HTTP error an exception from reading or from the chat client stands for; <see langword="null"/> to let it propagate (500).</summary>
    internal OpenAIRequestException Classify(Exception exception, string requestId)
    {
        switch (exception)
        {
            case OpenAIRequestException known:
                return known;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return new OpenAIRequestException(
                    $"The request body is larger than this server's limit of {_endpoint.MaxBodyBytes} bytes.", null, "request_too_large", StatusCodes.Status413PayloadTooLarge);
            case BadHttpRequestException bad:
                return new OpenAIRequestException($"The request could not be read: {bad.Message}", null, "invalid_request", bad.StatusCode);
            case JsonException json:
                return new OpenAIRequestException($"The request body is not valid JSON: {json.Message}", null, "invalid_json");
            case NotSupportedException or ArgumentException:
                // The chat client refused the conversation or an option (a prompt over the context, an image, a penalty, a tool schema).
                return new OpenAIRequestException(exception.Message, null, "invalid_value");
            case ObjectDisposedException:
                return new OpenAIRequestException("The server is shutting down.", null, "shutting_down", StatusCodes.Status503ServiceUnavailable, "server_error");
            case ClientResultException upstream:
                return new OpenAIRequestException($"The upstream endpoint answered {upstream.Status}: {upstream.Message}", null, "upstream_error", StatusCodes.Status502BadGateway, "server_error");
            default:
                ServerLog.Failed(_logger, requestId, exception);
                return new OpenAIRequestException("The chat client failed; the server log has the details.", null, "internal_error", StatusCodes.Status500InternalServerError, "server_error");
        }
    }

    private async Task<ChatCompletionRequest> ReadAsync(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _endpoint.MaxBodyBytes;
        }

        if (http.Request.ContentLength > _endpoint.MaxBodyBytes)
        {
            throw Classify(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge), http.TraceIdentifier);
        }

        using var document = await JsonDocument.ParseAsync(http.Request.Body, s_documentOptions, http.RequestAborted).ConfigureAwait(false);
        return ChatRequestParser.Parse(document.RootElement, _endpoint.MaxOutputTokens, _endpoint.DefaultOutputTokens);
    }

    private async Task StreamAsync(HttpContext http, ChatCompletionRequest request, string id, long created, string model)
    {
        var aborted = http.RequestAborted;
        var updates = _endpoint.Client.GetStreamingResponseAsync(request.Messages, request.Options, aborted).GetAsyncEnumerator(aborted);
        try
        {
            // The first update is awaited before the status is sent, so that a refused request still gets its 4xx.
            bool any = await updates.MoveNextAsync().ConfigureAwait(false);
            var response = http.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var mapper = new ChatChunkMapper(id, created, model, request.IncludeUsage);
            await SseFormatter.WriteAsync(Events(updates, any, mapper, http.TraceIdentifier), response.Body, WriteEvent, aborted).ConfigureAwait(false);
            LogMarkers(http.TraceIdentifier, mapper.Markers);
            LogCompleted(http.TraceIdentifier, model, stream: true, mapper.Usage, mapper.FinishReason);
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<SseItem<object>> Events(
        IAsyncEnumerator<ChatResponseUpdate> updates, bool any, ChatChunkMapper mapper, string requestId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        OpenAIRequestException? failure = null;
        while (any)
        {
            foreach (var chunk in mapper.Map(updates.Current))
            {
                yield return new SseItem<object>(chunk);
            }

            try
            {
                any = await updates.MoveNextAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Headers are sent: the error goes in the stream, as OpenAI does, and the stream ends without [DONE].
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                failure = Classify(ex, requestId);
                break;
            }
        }

        if (failure is not null)
        {
            yield return new SseItem<object>(OpenAIErrors.Body(failure));
            yield break;
        }

        foreach (var chunk in mapper.Complete())
        {
            yield return new SseItem<object>(chunk);
        }

        yield return new SseItem<object>(s_done);
    }

    private static void WriteEvent(SseItem<object> item, IBufferWriter<byte> buffer)
    {
        switch (item.Data)
        {
            case ChatCompletionChunk chunk:
                using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
                {
                    JsonSerializer.Serialize(writer, chunk, ProtocolJsonContext.Wire.ChatCompletionChunk);
                }

                break;
            case OpenAIErrorResponse error:
                using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
                {
                    JsonSerializer.Serialize(writer, error, ProtocolJsonContext.Wire.OpenAIErrorResponse);
                }

                break;
            default:
                buffer.Write("[DONE]"u8);
                break;
        }
    }

    private async Task RejectAsync(HttpContext http, OpenAIRequestException error, int? retryAfterSeconds)
    {
        ServerLog.Rejected(_logger, http.TraceIdentifier, error.StatusCode, error.Code, error.Message);
        await OpenAIErrors.WriteAsync(http, error, retryAfterSeconds).ConfigureAwait(false);
    }

    private void LogMarkers(string requestId, SortedSet<string> markers)
    {
        if (markers.Count > 0)
        {
            ServerLog.AnswerMarkers(_logger, requestId, string.Join(", ", markers));
        }
    }

    private void LogCompleted(string requestId, string model, bool stream, CompletionUsage? usage, string? finishReason) =>
        ServerLog.Completed(_logger, requestId, model, stream, usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0, finishReason ?? "none");
}
