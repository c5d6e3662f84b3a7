#!/usr/bin/env bash
# Runs the fuzz targets of the module one after another, for a given time
# each (default 30s), and writes a summary.
#
#   scripts/fuzz.sh                       every target, 30s each
#   scripts/fuzz.sh 10m                   every target, 10 minutes each
#   FUZZ_TARGETS='^(pickle|msgspec)\.' scripts/fuzz.sh 2m
#   FUZZ_LIST=1 scripts/fuzz.sh           list the targets and stop
#
# Environment:
#   FUZZ_TARGETS   extended regular expression (grep -E) matched against
#                  "<package>.<FuzzName>", the package being its path in the
#                  module ("pickle", "flasksession/filestore", "." for the
#                  root): only the targets that match run. Default: all.
#   FUZZ_PARALLEL  fuzzing workers (go test -parallel); default: Go's
#                  (GOMAXPROCS). 1 leaves the other cores free.
#   FUZZ_OUT       directory of the per-target logs and of summary.md;
#                  default: ${TMPDIR:-/tmp}/flaskbridge-fuzz.
#   FUZZ_LIST      when set, print the selected targets and exit.
#
# For each target it prints the executions Go reports (the last
# "fuzz: elapsed: ..., execs: N" line) and the result; summary.md holds the
# same as a markdown table. An input that makes a target fail is written by
# Go to <package>/testdata/fuzz/<FuzzName>/ (commit it: it then runs as a
# seed in every `go test`); the script prints its path and exits non-zero
# once every selected target has run.
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-30s}
pattern=${FUZZ_TARGETS:-.}
out=${FUZZ_OUT:-${TMPDIR:-/tmp}/flaskbridge-fuzz}
parallel=()
if [ -n "${FUZZ_PARALLEL:-}" ]; then
	parallel=(-parallel "$FUZZ_PARALLEL")
fi

# seconds converts a -fuzztime duration ("30s", "10m", "1h30m") to seconds;
# it prints nothing for an iteration count ("1000x").
seconds() {
	local d=$1 total=0 n unit
	while [[ $d =~ ^([0-9]+)(h|m|s)(.*)$ ]]; do
		n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} d=${BASH_REMATCH[3]}
		case $unit in
		h) total=$((total + n * 3600)) ;;
		m) total=$((total + n * 60)) ;;
		s) total=$((total + n)) ;;
		esac
	done
	[ -z "$d" ] && echo "$total"
}

# go test's -timeout covers the seed corpus and the fuzzing itself: give it
# the fuzzing time and ten minutes more (0, no timeout, for "Nx" runs).
if secs=$(seconds "$fuzztime") && [ -n "$secs" ]; then
	timeout="$((secs + 600))s"
else
	timeout=0
fi

module=$(go list -m)
# The targets: every "func FuzzXxx(" at the start of a line of a test file,
# as "<package>.<FuzzName>".
mapfile -t targets < <(
	find . -name '*_test.go' -not -path './.*' -not -path '*/testdata/*' -print0 |
		xargs -0 grep -HE '^func Fuzz[A-Za-z0-9_]*\(' |
		while IFS=: read -r file line; do
			name=${line#func }
			echo "$(dirname "${file#./}").${name%%(*}"
		done | sort -u | grep -E -- "$pattern"
)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz target matches ${pattern@Q}" >&2
	exit 2
fi
if [ -n "${FUZZ_LIST:-}" ]; then
	printf '%s\n' "${targets[@]}"
	exit 0
fi

mkdir -p "$out/logs"
summary=$out/summary.md
{
	echo "# Fuzzing, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "$(go version), nproc $(nproc), -fuzztime $fuzztime, -parallel ${FUZZ_PARALLEL:-default}, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo
	echo "| package | target | wall time | execs | new interesting (corpus) | result |"
	echo "|---|---|---|---:|---|---|"
} >"$summary"

# deadline_race tells whether a failed run's log shows only the fuzzing
# engine's end-of-time race: "context deadline exceeded" as the failure,
# and no failing input, panic, or message from the target itself.
deadline_race() {
	grep -q '^    context deadline exceeded$' "$1" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+|fuzzing process hung|test timed out' "$1"
}

failed=0
for t in "${targets[@]}"; do
	dir=${t%.*} name=${t##*.}
	pkg=$module
	[ "$dir" != "." ] && pkg=$module/$dir
	log=$out/logs/${dir//\//_}.$name.log
	[ "$dir" = "." ] && log=$out/logs/root.$name.log
	echo "== $dir $name ($fuzztime)"
	start=$(date +%s)
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -timeout "$timeout" "${parallel[@]}" "$pkg" >"$log" 2>&1
	rc=$?
	retried=
	if [ $rc -ne 0 ] && deadline_race "$log"; then
		# Go's coordinator can report its own -fuzztime deadline as a
		# failure (golang/go#75804, fixed in Go 1.27): no input failed,
		# nothing was written. Run the target once more; a real failure
		# still fails.
		mv "$log" "$log.race"
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -timeout "$timeout" "${parallel[@]}" "$pkg" >"$log" 2>&1
		rc=$?
		retried=" (run again after Go's fuzz-deadline race, golang/go#75804; first log $log.race)"
	fi
	elapsed=$(($(date +%s) - start))
	# The last progress line: "fuzz: elapsed: 30s, execs: 123 (4/sec), new interesting: 2 (total: 9)".
	progress=$(grep -E '^fuzz: elapsed: .*execs: [0-9]+' "$log" | tail -n 1)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$progress")
	interesting=$(sed -nE 's/.*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/\1 (\2)/p' <<<"$progress")
	crasher=$(sed -nE 's/.*Failing input written to (testdata\/fuzz\/[^ ]*).*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		result=ok$retried
	elif [ -n "$crasher" ]; then
		result="FAIL: $dir/$crasher"
		failed=1
	else
		result="FAIL: exit $rc, see $log"
		failed=1
	fi
	echo "   execs ${execs:-?}, new interesting ${interesting:-?}, ${elapsed}s: $result"
	if [ $rc -ne 0 ]; then
		grep -E -- '--- FAIL|Error|panic|_test\.go:[0-9]+' "$log" | head -n 20 | sed 's/^/   /'
	fi
	echo "| $dir | $name | ${elapsed}s | ${execs:-?} | ${interesting:-?} | $result |" >>"$summary"
done

echo "summary: $summary"
exit $failed
