#!/usr/bin/env bash
# Compile time of #[derive(Telemetry)] on a 50-field struct against serde's
# #[derive(Serialize)] on the same struct. Each derive is measured against
# the same crate with the same dependency but no derive, so that cargo's own
# work (which grows with crewtel's larger dependency tree) cancels out.
# Dependencies are built first; each measurement rebuilds only the one crate
# (`cargo clean -p`), in the same (dev) profile, RUNS times; medians printed.
#
#   bash benches/compile_time.sh                      # wall-clock, median of RUNS
#   COUNT=instructions bash benches/compile_time.sh   # rustc's instructions, once
#
# Wall-clock times of a few tens of milliseconds swing by half between runs
# on a 2-core machine; `COUNT=instructions` runs the one crate's rustc under
# `valgrind --tool=callgrind` and counts the instructions it executes (the
# proc macro included), which repeat to within a fraction of a percent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/compile-time"
runs=${RUNS:-5}
mkdir -p "$work"

types=(String u32 bool "Vec<String>" "Option<u64>")
fields() {
  local attr=$1
  for i in $(seq 0 49); do
    [ -n "$attr" ] && echo "    $attr"
    echo "    pub field_$i: ${types[$((i % 5))]},"
  done
}

make_crate() {
  local name=$1 derive=$2 attr=$3 deps=$4
  mkdir -p "$work/$name/src"
  cat > "$work/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$deps

[workspace]
TOML
  {
    echo "$derive"
    echo "pub struct Fifty {"
    fields "$attr"
    echo "}"
  } > "$work/$name/src/lib.rs"
}

serde_dep='serde = { version = "1", features = ["derive"] }'
# crewtel with every feature, as a program whose reporter (and registry)
# turns them on resolves it.
crewtel_dep="crewtel = { path = \"$root/runtime\", features = [\"registry\", \"opentelemetry\"] }"
# crewtel as it comes, as a library that derives depends on it.
facade_dep="crewtel = { path = \"$root/runtime\" }"
make_crate ct-serde-plain "" "" "$serde_dep"
make_crate ct-serde "#[derive(serde::Serialize)]" "" "$serde_dep"
make_crate ct-crewtel-plain "" "" "$crewtel_dep"
make_crate ct-crewtel "#[derive(crewtel::Telemetry)]" "#[telemetry(always, free_text)]" "$crewtel_dep"
make_crate ct-facade-plain "" "" "$facade_dep"
# Baselines that name the dependency, so that loading its metadata (which
# grows with its dependency graph) cancels out too.
make_crate ct-serde-named "use serde as _;" "" "$serde_dep"
make_crate ct-crewtel-named "use crewtel as _;" "" "$crewtel_dep"
make_crate ct-facade "#[derive(crewtel::Telemetry)]" "#[telemetry(always, free_text)]" "$facade_dep"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Runs rustc under callgrind for the measured crate only; every other
# invocation (dependencies, cargo's probes) runs as it is.
wrapper="$work/count-rustc.sh"
cat > "$wrapper" <<'SH'
#!/usr/bin/env bash
case " $* " in
  *" --crate-name ct_"*) exec valgrind --tool=callgrind --callgrind-out-file="$COUNT_OUT" "$@" 2>/dev/null ;;
  *) exec "$@" ;;
esac
SH
chmod +x "$wrapper"

# The instructions rustc executed to build the crate `$1` in `$2`.
instructions() {
  local name=$1 dir=$2
  cargo clean -q -p "$name" --manifest-path "$dir/Cargo.toml"
  COUNT_OUT="$work/$name.callgrind" RUSTC_WRAPPER="$wrapper" \
    cargo build -q --manifest-path "$dir/Cargo.toml"
  awk '/^(summary|totals):/ { print $2; exit }' "$work/$name.callgrind"
}

declare -A result
names="ct-serde-plain ct-serde ct-crewtel-plain ct-crewtel ct-facade-plain ct-facade"
[ "${COUNT:-}" = instructions ] && names="$names ct-serde-named ct-crewtel-named"
for name in $names; do
  dir="$work/$name"
  export CARGO_TARGET_DIR="$work/target-$name"
  cargo build -q --manifest-path "$dir/Cargo.toml"   # dependencies, once
  if [ "${COUNT:-}" = instructions ]; then
    result[$name]=$(instructions "$name" "$dir")
    continue
  fi
  times=()
  for _ in $(seq "$runs"); do
    cargo clean -q -p "$name" --manifest-path "$dir/Cargo.toml"
    start=$(date +%s%N)
    cargo build -q --manifest-path "$dir/Cargo.toml"
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  result[$name]=$(printf '%s\n' "${times[@]}" | median)
done

sp=${result[ct-serde-plain]}; sd=${result[ct-serde]}; cp=${result[ct-crewtel-plain]}; cd=${result[ct-crewtel]}
fp=${result[ct-facade-plain]}; fd=${result[ct-facade]}
if [ "${COUNT:-}" = instructions ]; then
  m() { awk -v n="$1" 'BEGIN { printf "%.1f M", n / 1e6 }'; }
  echo "| 50-field struct | no derive | with the derive | the derive's cost |"
  echo "|---|---|---|---|"
  echo "| serde \`Serialize\` | $(m "$sp") | $(m "$sd") | $(m $((sd - sp))) |"
  echo "| crewtel \`Telemetry\`, all features | $(m "$cp") | $(m "$cd") | $(m $((cd - cp))) |"
  echo "| crewtel \`Telemetry\`, as it comes | $(m "$fp") | $(m "$fd") | $(m $((fd - fp))) |"
  awk -v a="$((cd - cp))" -v b="$((sd - sp))" 'BEGIN { printf "crewtel / serde, the derive'"'"'s cost: %.2f\n", a / b }'
  awk -v a="$((fd - fp))" -v b="$((sd - sp))" 'BEGIN { printf "crewtel facade / serde, the derive'"'"'s cost: %.2f\n", a / b }'
  sn=${result[ct-serde-named]}; cn=${result[ct-crewtel-named]}
  echo "naming the crate, no derive: serde $(m "$sn"), crewtel $(m "$cn")"
  awk -v a="$((cd - cn))" -v b="$((sd - sn))" 'BEGIN { printf "crewtel / serde, the derive alone (the crate loaded in both baselines): %.2f\n", a / b }'
  exit 0
fi
echo "| 50-field struct | no derive (ms) | with the derive (ms) | the derive's cost (ms) |"
echo "|---|---|---|---|"
echo "| serde \`Serialize\` | $sp | $sd | $((sd - sp)) |"
echo "| crewtel \`Telemetry\`, all features | $cp | $cd | $((cd - cp)) |"
echo "| crewtel \`Telemetry\`, as it comes | $fp | $fd | $((fd - fp)) |"
awk -v a="$((cd - cp))" -v b="$((sd - sp))" 'BEGIN { printf "crewtel / serde, the derive'"'"'s cost: %.2f\n", a / b }'
