#!/usr/bin/env bash
# Reproducible benchmark of CrewAI's Telemetry.crew_creation cost.
# Runnable from any working directory; prints one JSON line on stdout.
set -euo pipefail

CREWAI_VERSION="1.15.30"
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# The venv lives in the build folder, never in the repository.
VENV="${CREWAI_VENV:-$HERE/../../target/crewai-venv}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "crewai==$CREWAI_VERSION"

# Telemetry must be on for the benchmark; the script routes it to memory.
unset OTEL_SDK_DISABLED CREWAI_DISABLE_TELEMETRY CREWAI_DISABLE_TRACKING

exec "$VENV/bin/python" "$HERE/crew_creation.py" "$@"
