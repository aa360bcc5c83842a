#!/bin/bash
# cowork-audit: Jamf Pro computer extension attribute (Settings > Computer management > Extension
# attributes > New: Data type String, Input type Script, paste this file).
#
# Jamf convention (Jamf Pro Documentation, "Computer Extension Attributes" > "Extension Attribute Input
# Types", https://learn.jamf.com/r/en-US/jamf-pro-documentation-11.16.0/Extension_Attribute_Input_Types_macOS):
# a script extension attribute runs each time a computer submits inventory, as root; "the text between
# the <result></result> tag is stored in Jamf Pro", and without the tag a blank value is stored. So this
# script prints exactly one line, <result>...</result>, and always exits 0: a missing binary or a failed
# scan is a value that a smart group can match, never a broken inventory run.
#
# Values (smart groups: "cowork-audit" like "FAIL", or matches regex "high=[1-9]"):
#   <result>PASS critical=0 high=0 medium=0 low=0 score=100</result>   nothing failed at or above FAIL_ON
#   <result>FAIL critical=0 high=2 medium=1 low=0 score=0</result>     something did; the counts are the
#                                                                      failing checks (fail or error) by severity
#   <result>not installed</result>                                     no executable at BINARY
#   <result>error: ...</result>                                        the scan could not run (bad baseline,
#                                                                      timeout, unexpected output)
# Works with macOS's /bin/bash 3.2.

# ---- configuration: edit before uploading ----
BINARY='/usr/local/bin/cowork-audit'
FAIL_ON='high'            # critical, high, medium, low or none: what makes the result FAIL
BASELINE=''               # empty: the built-in "recommended"; or a built-in name, or a YAML file on the Mac
REPORT_DIR=''             # empty: no report file; else the JSON report (and remediate.sh) is written here,
                          # replaced at every inventory, e.g. '/Library/Application Support/cowork-audit/last'
TIMEOUT_SECONDS=600       # a scan still running after this is stopped: inventory must not hang
# ---- end of configuration ----

# Overrides from the environment, for tests and advanced use (Jamf sets none of these):
#   COWORK_AUDIT_BIN          the binary (or a wrapper script) instead of BINARY
#   COWORK_AUDIT_ARGS         extra scan arguments, split on blanks (no quoting, no globbing), e.g. --replay DIR
#   COWORK_AUDIT_FAIL_ON, COWORK_AUDIT_BASELINE, COWORK_AUDIT_REPORT_DIR, COWORK_AUDIT_TIMEOUT
bin=${COWORK_AUDIT_BIN:-$BINARY}
fail_on=${COWORK_AUDIT_FAIL_ON:-$FAIL_ON}
baseline=${COWORK_AUDIT_BASELINE:-$BASELINE}
report_dir=${COWORK_AUDIT_REPORT_DIR:-$REPORT_DIR}
timeout=${COWORK_AUDIT_TIMEOUT:-$TIMEOUT_SECONDS}
extra=()
if [ -n "${COWORK_AUDIT_ARGS:-}" ]; then
  read -r -a extra <<< "$COWORK_AUDIT_ARGS"
fi

umask 077
export LC_ALL=C NO_COLOR=1

printed=0
out=''
err=''
# shellcheck disable=SC2317 # called by the EXIT trap, which shellcheck 0.9 does not follow
finish() {
  [ -z "$out" ] || rm -f -- "$out"
  [ -z "$err" ] || rm -f -- "$err"
  [ "$printed" = 1 ] || printf '<result>error: the extension attribute stopped early</result>\n'
  exit 0
}
trap finish EXIT

# Prints the one result line: no markup, no control characters, at most 255 characters.
result() {
  local text
  text=$(printf '%s' "$1" | tr '\t\r\n' '   ' | tr -d '\000-\037\177<>')
  printf '<result>%s</result>\n' "${text:0:255}"
  printed=1
  exit 0
}

case $timeout in '' | *[!0-9]*) result "error: timeout is not a number of seconds: $timeout" ;; esac
case $fail_on in critical | high | medium | low | none) ;; *) result "error: FAIL_ON must be critical, high, medium, low or none, not $fail_on" ;; esac

if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
  result 'not installed'
fi

formats='summary'
args=(scan --format summary --fail-on "$fail_on" --quiet)
if [ -n "$report_dir" ]; then
  formats='summary,json'
  args=(scan --format "$formats" --output "$report_dir" --fail-on "$fail_on" --quiet)
fi
if [ -n "$baseline" ]; then
  args+=(--baseline "$baseline")
fi

if ! out=$(mktemp) || ! err=$(mktemp); then
  result 'error: cannot create a temporary file'
fi

# The scan, stopped after $timeout seconds (macOS has no timeout(1)). Job control (set -m) gives it a
# process group of its own, so that a wrapper and everything it started stop with it.
set -m
"$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} < /dev/null > "$out" 2> "$err" &
pid=$!
set +m
ticks=0
timed_out=0
while kill -0 "$pid" 2> /dev/null; do
  if [ "$ticks" -ge $((timeout * 10)) ]; then
    timed_out=1
    kill -TERM -- "-$pid" 2> /dev/null
    sleep 1
    kill -KILL -- "-$pid" 2> /dev/null
    break
  fi
  sleep 0.1
  ticks=$((ticks + 1))
done
wait "$pid"
code=$?
[ "$timed_out" = 0 ] || result "error: the scan timed out after $timeout s"

if [ "$code" != 0 ] && [ "$code" != 1 ]; then
  message=''
  IFS= read -r message < "$err"
  message=${message#cowork-audit: }
  result "error: exit $code${message:+: $message}"
fi

# The last summary line on stdout; its grammar (README "Formats") guarantees no blank inside a field.
line=''
while IFS= read -r candidate || [ -n "$candidate" ]; do
  case $candidate in 'cowork-audit '*) line=$candidate ;; esac
done < "$out"
[ -n "$line" ] || result 'error: the scan printed no summary line'

status='' score='' critical='' high='' medium='' low=''
read -r -a fields <<< "$line"
for field in "${fields[@]}"; do
  value=${field#*=}
  case $field in
    result=*) status=$value ;;
    score=*) score=$value ;;
    critical=*) critical=$value ;;
    high=*) high=$value ;;
    medium=*) medium=$value ;;
    low=*) low=$value ;;
  esac
done
case $status in PASS | FAIL) ;; *) result 'error: unexpected summary line' ;; esac
for number in "$score" "$critical" "$high" "$medium" "$low"; do
  case $number in '' | *[!0-9]*) result 'error: unexpected summary line' ;; esac
done

result "$status critical=$critical high=$high medium=$medium low=$low score=$score"
