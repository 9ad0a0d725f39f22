#!/usr/bin/env bash
# Instructions of one iteration of each case of benches/count.rs, counted
# with callgrind (two runs of each, 100 and 1100 iterations; the difference
# divided by 1000, so start-up and the crew's construction cancel out), for
# a 10-agent, 10-task crew, anonymous and shared. Run from the repository's
# root; needs valgrind.
set -euo pipefail

cargo bench -q --bench count --no-run 2>/dev/null
binary=$(ls -t target/release/deps/count-* | grep -v '\.d$' | head -1)
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$@" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
n=${N:-10}
for consent in anonymous shared; do
    echo "| case ($n agents and tasks, $consent) | instructions per iteration |"
    echo "|---|---|"
    for case in $("$binary" list | grep /); do
        few=$(instructions "$case" "$n" 100 "$consent")
        many=$(instructions "$case" "$n" 1100 "$consent")
        echo "| $case | $(( (many - few) / 1000 )) |"
    done
    echo
done
