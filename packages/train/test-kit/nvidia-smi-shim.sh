#!/usr/bin/env bash
# A recorded nvidia-smi (or rocm-smi): answers from the machine folder in
# $MLSHIP_RECORDED_GPU (see recorded-gpus/README.md). $MLSHIP_RECORDED_GPU_STATE
# counts the queries so telemetry reads the recorded samples in order; with
# --loop-ms=N after the query (nvidia-smi's loop mode) it prints the next
# sample every N milliseconds until it is stopped, as nvidia-smi does.
# Bash builtins only: the files are read once and the loop waits in `read -t`,
# so a reading starts no process, as a real nvidia-smi loop starts none, and
# what the shim costs beside a training job is close to what the real tool does.
set -u
machine="$MLSHIP_RECORDED_GPU"

# Prints a file as it is (cat without the process).
print_file() {
  local text
  IFS= read -r -d '' text <"$1"
  printf '%s' "$text"
}

if [[ -f "$machine/failure.txt" ]]; then
  print_file "$machine/failure.txt"
  read -r code <"$machine/exit-code"
  exit "$code"
fi
if [[ "${MLSHIP_RECORDED_TOOL:-nvidia-smi}" == rocm-smi ]]; then
  print_file "$machine/rocm-smi.json"
  exit 0
fi
if [[ $# -eq 0 ]]; then
  print_file "$machine/header.txt"
  exit 0
fi
read -r fields <"${machine%/*}/query-fields.txt"
loop_ms=
if [[ $# -eq 3 && "$3" == --loop-ms=* ]]; then
  loop_ms="${3#--loop-ms=}"
  set -- "$1" "$2"
fi
if [[ $# -ne 2 || "$1" != "--query-gpu=$fields" || "$2" != "--format=csv,noheader,nounits" ]] ||
  [[ -n "$loop_ms" && ! "$loop_ms" =~ ^[1-9][0-9]*$ ]]; then
  echo "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help." >&2
  echo "(recorded nvidia-smi: only '--query-gpu=$fields --format=csv,noheader,nounits' was recorded)" >&2
  exit 2
fi

# The samples: blocks of lines separated by blank lines (awk's paragraph mode).
samples=()
block=
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ -z "$line" ]]; then
    [[ -z "$block" ]] || samples+=("$block")
    block=
  else
    block+="$line"$'\n'
  fi
done <"$machine/samples.csv"
[[ -z "$block" ]] || samples+=("$block")

# The next recorded sample (the last one again once they are used up), counted in the state file.
# One byte is appended per query, so the count is the file's size: a reader never
# sees the file truncated between two readings, as it could if the count were rewritten.
next_sample() {
  local counted=
  [[ -f "$MLSHIP_RECORDED_GPU_STATE" ]] && IFS= read -r -d '' counted <"$MLSHIP_RECORDED_GPU_STATE"
  local n=${#counted}
  printf '.' >>"$MLSHIP_RECORDED_GPU_STATE"
  ((n < ${#samples[@]})) || n=$((${#samples[@]} - 1))
  printf '%s' "${samples[n]}"
}

if [[ -n "$loop_ms" ]]; then
  # A pipe nobody writes to: `read -t` on it is a sleep without a process.
  exec {never}<> <(:)
  printf -v seconds '%d.%03d' $((loop_ms / 1000)) $((loop_ms % 1000))
  while :; do
    next_sample
    read -r -t "$seconds" -u "$never" _
    # Anything but the timeout (status above 128) would make this loop spin: stop instead.
    (($? > 128)) || exit 1
  done
fi
next_sample
