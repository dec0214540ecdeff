namespace Phi3.OnnxSdk.Cli;

/// <summary>The <c>--help</c> text.</summary>
internal static class Usage
{
    public const string Text =
        """
        phi3: chat with Phi-3 models locally (onnxruntime-genai)

        usage:
          phi3 [options]                 interactive chat: one message per line on stdin
          phi3 [options] "question"      answer one question and exit
          phi3 models [options]          list the catalog with the pick for this machine and why
          phi3 download [options]        download the variant picked for this machine

        model:
          -p, --model-path <folder>      a local model folder (no download)
          -m, --model <family>           model family or alias (default: phi-3-mini-128k-instruct, or PHI3_MODEL)
              --variant <name>           force a variant of the family (or PHI3_VARIANT)
              --provider <p>             force cpu, cuda, dml or auto (or PHI3_PROVIDER)
              --prefer <quality|speed>   what to favour when several variants fit (default quality)
              --assume <profile>         models/download: plan for another machine:
                                         cuda[:VRAM], dml[:VRAM] or cpu[:RAM], e.g. cuda:24GB, cpu:8GB
              --cache-dir <folder>       Hugging Face cache folder (default: HF_HUB_CACHE, else ~/.cache/huggingface/hub)
              --offline                  use the cache only, never the network
              --verify-cache             hash cached files again before trusting them; replace any that fail
              --copy-files               fill the snapshot with copies instead of symbolic links
              --no-direct-io             write downloads through the page cache (Linux writes them directly)
              --catalog <file>           a catalog file whose entries are merged over the shipped models.json

        chat:
          -s, --system <text>            system prompt
          -n, --max-tokens <n>           most tokens per answer (default 1024)
          -t, --temperature <t>          sampling temperature (default: greedy)
              --top-p <p>                nucleus sampling
              --top-k <k>                top-k sampling
              --seed <n>                 sampling seed
              --no-stats                 do not print time to first token and tokens/s after answers
          -h, --help                     show this text
              --version                  show the version

        in the chat:
          /reset                         forget the conversation
          /system <text>                 set the system prompt (/system alone clears it)
          /exit                          quit (also end of input)
          Ctrl+C                         stop the answer in progress; twice while idle quits

        Answers go to stdout; progress, statistics and errors go to stderr.
        Exit codes: 0 done, 1 failed, 2 bad command line, 130 cancelled.
        """;
}
