#!/usr/bin/env bash
# Builds a synthetic Phi-3 model: scripts/build-test-model.sh <output-dir> [preset] [--seed N] [overrides]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/src/Phi3.OnnxSdk.SyntheticModels.Cli/Phi3.OnnxSdk.SyntheticModels.Cli.csproj"
dotnet build "$project" -c Release -v quiet -nologo >&2
exec dotnet "$root/src/Phi3.OnnxSdk.SyntheticModels.Cli/bin/Release/net10.0/build-test-model.dll" "$@"
