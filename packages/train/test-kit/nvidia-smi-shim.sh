#!/bin/sh
# A recorded nvidia-smi (or rocm-smi): answers from the machine folder in
# $MLSHIP_RECORDED_GPU (see recorded-gpus/README.md). $MLSHIP_RECORDED_GPU_STATE
# counts the queries so telemetry reads the recorded samples in order; with
# --loop-ms=N after the query (nvidia-smi's loop mode) it prints the next
# sample every N milliseconds until it is stopped, as nvidia-smi does.
set -eu
machine="$MLSHIP_RECORDED_GPU"
if [ -f "$machine/failure.txt" ]; then
  cat "$machine/failure.txt"
  exit "$(cat "$machine/exit-code")"
fi
case "${MLSHIP_RECORDED_TOOL:-nvidia-smi}" in
rocm-smi)
  cat "$machine/rocm-smi.json"
  exit 0
  ;;
esac
if [ "$#" -eq 0 ]; then
  cat "$machine/header.txt"
  exit 0
fi
fields="$(cat "$(dirname "$machine")/query-fields.txt")"
loop_ms=
if [ "$#" -eq 3 ]; then
  case "$3" in
  --loop-ms=*)
    loop_ms="${3#--loop-ms=}"
    set -- "$1" "$2"
    ;;
  esac
fi
if [ "$#" -ne 2 ] || [ "$1" != "--query-gpu=$fields" ] || [ "$2" != "--format=csv,noheader,nounits" ]; then
  echo "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help." >&2
  echo "(recorded nvidia-smi: only '--query-gpu=$fields --format=csv,noheader,nounits' was recorded)" >&2
  exit 2
fi
count="$(awk 'BEGIN { RS = "" } END { print NR }' "$machine/samples.csv")"
next_sample() {
  n="$(cat "$MLSHIP_RECORDED_GPU_STATE" 2>/dev/null || echo 0)"
  echo $((n + 1)) >"$MLSHIP_RECORDED_GPU_STATE"
  [ "$n" -lt "$count" ] || n=$((count - 1))
  awk -v k="$n" 'BEGIN { RS = "" } NR == k + 1 { print; exit }' "$machine/samples.csv"
}
if [ -n "$loop_ms" ]; then
  seconds="$(awk -v ms="$loop_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  while :; do
    next_sample
    sleep "$seconds"
  done
fi
next_sample
