using Microsoft.AspNetCore.Http;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>A request the endpoint refuses, with the HTTP status and the OpenAI error fields to answer with.</summary>
public sealed class OpenAIRequestException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="OpenAIRequestException"/> class.</summary>
    public OpenAIRequestException()
        : this("The request is invalid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenAIRequestException"/> class.</summary>
    /// <param name="message">The message.</param>
    public OpenAIRequestException(string message)
        : this(message, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenAIRequestException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OpenAIRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenAIRequestException"/> class.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="param">The request field at fault (for example <c>messages[0].role</c>), or <see langword="null"/>.</param>
    /// <param name="code">OpenAI's machine-readable code (for example <c>invalid_value</c>), or <see langword="null"/>.</param>
    /// <param name="statusCode">The HTTP status. Default: 400.</param>
    /// <param name="type">OpenAI's error type. Default: <c>invalid_request_error</c>.</param>
    public OpenAIRequestException(string message, string? param, string? code, int statusCode = StatusCodes.Status400BadRequest, string type = "invalid_request_error")
        : base(message)
    {
        Param = param;
        Code = code;
        StatusCode = statusCode;
        Type = type;
    }

    /// <summary>Gets the HTTP status.</summary>
    public int StatusCode { get; } = StatusCodes.Status400BadRequest;

    /// <summary>Gets OpenAI's error type.</summary>
    public string Type { get; } = "invalid_request_error";

    /// <summary>Gets the request field at fault, or <see langword="null"/>.</summary>
    public string? Param { get; }

    /// <summary>Gets OpenAI's error code, or <see langword="null"/>.</summary>
    public string? Code { get; }
}
