#!/usr/bin/env bash
# Builds and runs the phi3 console chat: scripts/phi3.sh [models|download] [options] ["question"] (see --help).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dotnet build "$root/src/Phi3.OnnxSdk.Cli/Phi3.OnnxSdk.Cli.csproj" -c Release -v quiet -nologo >&2
exec dotnet "$root/src/Phi3.OnnxSdk.Cli/bin/Release/net10.0/phi3.dll" "$@"
