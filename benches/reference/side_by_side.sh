#!/usr/bin/env bash
# Crew Created for a 10-agent, 10-task crew, anonymous, in one run: CrewAI
# 1.15.30 building its span into an in-memory exporter (run.sh), crewtel
# building the event and serializing it to JSON, and the hand-written
# single-pass writer of the same bytes (benches/json.rs). Prints the medians
# and the ratios. Run from the repository's root.
set -euo pipefail

reference=$(bash benches/reference/run.sh 2>/dev/null)
cargo bench -q --bench json -- --warm-up-time 1 --measurement-time 5 \
    'crew_created_json_anonymous/.*/10' > /dev/null 2>&1
median() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"])' \
        "target/criterion/crew_created_json_anonymous/$1/10/new/estimates.json"
}
derive=$(median derive)
one_pass=$(median to_json)
hand=$(median hand-written)
python3 - "$reference" "$derive" "$one_pass" "$hand" <<'PY'
import json, sys
reference = json.loads(sys.argv[1])
derive, one_pass, hand = (float(v) for v in sys.argv[2:5])
crewai = reference["median_ns"]
print(f"crewai {reference['crewai_version']} crew_creation: {crewai / 1000:.1f} us")
for name, ns in [("serde_json::to_string(&event)", derive), ("event.to_json()", one_pass)]:
    print(f"{name:30} {ns / 1000:6.2f} us  {crewai / ns:6.0f}x faster than crewai, {ns / hand:.2f}x the hand-written writer")
print(f"{'hand-written writer':30} {hand / 1000:6.2f} us")
PY
