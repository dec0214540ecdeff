namespace Phi3.OnnxSdk;

/// <summary>
/// What <see cref="Phi3ChatClient"/> does with a tool call whose arguments break the tool's parameter schema (a keyword
/// the grammar could not enforce, such as a <c>format</c>, <c>not</c> or a look-around <c>pattern</c>; see
/// docs/tool-calling.md, "Schema support").
/// </summary>
public enum Phi3InvalidToolCalls
{
    /// <summary>
    /// The default. The call is left out of the answer, so that <c>FunctionInvokingChatClient</c> never invokes it, and
    /// reported under <see cref="Phi3ChatResponseKeys.InvalidToolCalls"/>; when no valid call remains, the answer has no
    /// call and finishes with <see cref="Microsoft.Extensions.AI.ChatFinishReason.Stop"/>.
    /// </summary>
    Drop,

    /// <summary>
    /// The call is returned with <see cref="Microsoft.Extensions.AI.FunctionCallContent.Exception"/> naming each
    /// violation. <c>FunctionInvokingChatClient</c> still invokes such a call: check <c>Exception</c> yourself (for
    /// example in a <c>FunctionInvoker</c>) before acting on it.
    /// </summary>
    Return,
}
