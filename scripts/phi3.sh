#!/usr/bin/env bash
# Builds and runs the phi3 console (the program the Phi3.OnnxSdk.Cli dotnet tool installs):
#   scripts/phi3.sh [chat ["question"] | models | download | synthetic <folder>] [options]   (see --help)
# The build is quiet: its output is shown only when it fails, so stderr carries phi3's own lines alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! log="$(dotnet build "$root/src/Phi3.OnnxSdk.Cli/Phi3.OnnxSdk.Cli.csproj" -c Release -v quiet -nologo 2>&1)"; then
  printf '%s\n' "$log" >&2
  echo "phi3.sh: the build failed (output above)" >&2
  exit 1
fi
exec dotnet "$root/src/Phi3.OnnxSdk.Cli/bin/Release/net10.0/phi3.dll" "$@"
