#!/usr/bin/env bash
# Runs the benchmarks: scripts/bench.sh <benchmark|all> [--quick] [options]. Figures are printed
# beside a baseline measured in the same run; see docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dotnet build "$root/tests/Phi3.OnnxSdk.Benchmarks/Phi3.OnnxSdk.Benchmarks.csproj" -c Release -v quiet -nologo >&2
exec dotnet "$root/tests/Phi3.OnnxSdk.Benchmarks/bin/Release/net10.0/Phi3.OnnxSdk.Benchmarks.dll" "$@"
