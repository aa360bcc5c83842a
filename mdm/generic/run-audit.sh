#!/bin/bash
# cowork-audit: run a scan from any scheduler or MDM (cron, systemd timer, Kandji, Fleet, Workspace ONE,
# a Jamf policy through a wrapper), keep the last N reports in a folder, and optionally POST the NDJSON
# report to a collector (a SIEM HTTP input, or a log forwarder listening on this machine).
# Linux and macOS (bash 3.2 or newer). Run it as root to audit every account.
#
# Usage: run-audit.sh --report-dir DIR [--keep N] [--url URL] [--token-file FILE] [--cacert FILE]
#                     [--fail-on SEVERITY] [--baseline NAME|FILE] [--binary PATH] [--retries N]
#
#   --report-dir DIR   where reports go: each run writes DIR/<UTC time>/ (cowork-audit.json,
#                      cowork-audit.ndjson, remediate.sh, remediate.ps1); created 0700 if missing
#   --keep N           keep the newest N run folders, delete older ones (default 10); only folders named
#                      like a run (20261121T105203Z, 20261121T105203Z-02) are ever deleted
#   --url URL          POST the NDJSON report there (Content-Type: application/x-ndjson). https://, or
#                      http:// to a loopback address only (127.0.0.1, [::1], localhost): a local forwarder
#   --token-file FILE  send "Authorization: Bearer <first line of FILE>"; FILE must not be readable by
#                      group or others. Without it, the COWORK_AUDIT_TOKEN environment variable is used
#                      when set. The token never appears on a command line: it reaches curl on its stdin
#                      (curl --config -).
#   --cacert FILE      trust this CA bundle for the collector (TLS verification is always on)
#   --fail-on SEV      critical, high (default), medium, low or none: what makes the exit code 1
#   --baseline X       a built-in baseline name or a YAML file (default: the built-in recommended)
#   --binary PATH      the cowork-audit binary (default: $COWORK_AUDIT_BIN, else /usr/local/bin/cowork-audit)
#   --retries N        curl retries on transient errors (default 2)
#
# Prints the scan's one-line summary (README "Formats") on stdout; notes and errors go to stderr.
#
# Exit codes:
#   0  the scan ran, nothing failed at or above --fail-on; the report was written (and posted, with --url)
#   1  the scan ran, something failed at or above --fail-on; the report was written (and posted)
#   2  bad usage or configuration, or the scan could not run (its own exit 2: invalid baseline, ...);
#      nothing is kept and nothing is posted
#   3  the cowork-audit binary is missing (or not executable)
#   4  the report was written but posting it failed (curl's error on stderr)
#
# For tests and advanced use: COWORK_AUDIT_ARGS holds extra scan arguments, split on blanks (no quoting,
# no globbing), e.g. "--replay fixtures/endpoints/linux-weak".
set -euo pipefail
umask 077
export LC_ALL=C NO_COLOR=1

usage() {
  sed -n '/^# Usage:/,/^# For tests/p' "$0" | sed -e 's/^# \{0,1\}//' -e '$d' >&2
}
die() {
  printf 'run-audit: %s\n' "$2" >&2
  exit "$1"
}
note() {
  printf 'run-audit: %s\n' "$1" >&2
}
need_value() {
  [ "$2" -ge 2 ] || die 2 "$1 needs a value"
}

report_dir=''
keep=10
url=''
token_file=''
cacert=''
fail_on='high'
baseline=''
bin=${COWORK_AUDIT_BIN:-/usr/local/bin/cowork-audit}
retries=2

while [ "$#" -gt 0 ]; do
  case $1 in
    --report-dir) need_value "$1" "$#"; report_dir=$2; shift ;;
    --keep) need_value "$1" "$#"; keep=$2; shift ;;
    --url) need_value "$1" "$#"; url=$2; shift ;;
    --token-file) need_value "$1" "$#"; token_file=$2; shift ;;
    --cacert) need_value "$1" "$#"; cacert=$2; shift ;;
    --fail-on) need_value "$1" "$#"; fail_on=$2; shift ;;
    --baseline) need_value "$1" "$#"; baseline=$2; shift ;;
    --binary) need_value "$1" "$#"; bin=$2; shift ;;
    --retries) need_value "$1" "$#"; retries=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die 2 "unknown option: $1" ;;
  esac
  shift
done

# ---- configuration checks: all before the scan, so that a bad setting costs nothing ----
[ -n "$report_dir" ] || die 2 '--report-dir is required'
case $keep in '' | *[!0-9]* | 0) die 2 "--keep must be a whole number of at least 1, not: $keep" ;; esac
case $retries in '' | *[!0-9]*) die 2 "--retries must be a whole number, not: $retries" ;; esac
case $fail_on in critical | high | medium | low | none) ;; *) die 2 "--fail-on must be critical, high, medium, low or none, not: $fail_on" ;; esac

# Values written into curl's config (double-quoted there) are checked to need no escaping.
unsafe='[[:space:][:cntrl:]"\\]'
token=''
if [ -n "$url" ]; then
  [[ ! $url =~ $unsafe ]] || die 2 '--url must not contain blanks, control characters, quotes or backslashes'
  case $url in
    https://?*) ;;
    http://*)
      # Plain http only to this machine: a token or a report must not cross a network in clear.
      authority=${url#http://}
      authority=${authority%%[/?#]*}
      loopback='^(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?$'
      [[ $authority =~ $loopback ]] || die 2 '--url: plain http is allowed only to 127.0.0.1, [::1] or localhost; use https'
      ;;
    *) die 2 '--url must start with https:// (or http:// to a loopback address)' ;;
  esac
  command -v curl > /dev/null 2>&1 || die 2 '--url needs curl, which is not installed'
  if [ -n "$cacert" ]; then
    if [ ! -f "$cacert" ] || [ ! -r "$cacert" ]; then die 2 "--cacert: no readable file: $cacert"; fi
  fi
  if [ -n "$token_file" ]; then
    if [ ! -f "$token_file" ] || [ ! -r "$token_file" ]; then die 2 "--token-file: no readable file: $token_file"; fi
    mode=$(ls -ldL -- "$token_file")
    case ${mode:4:1}${mode:7:1} in
      --) ;;
      *) die 2 "--token-file: $token_file is readable by group or others (chmod 600 it)" ;;
    esac
    IFS= read -r token < "$token_file" || [ -n "$token" ] || die 2 "--token-file: $token_file is empty"
  elif [ -n "${COWORK_AUDIT_TOKEN:-}" ]; then
    token=$COWORK_AUDIT_TOKEN
  fi
  token=${token%$'\r'}
  # RFC 6750 b64token: the only characters a bearer token has.
  b64token='^[A-Za-z0-9._~+/-]+=*$'
  [ -z "$token" ] || [[ $token =~ $b64token ]] || die 2 'the token has characters a bearer token cannot have (RFC 6750 b64token)'
elif [ -n "$token_file" ] || [ -n "$cacert" ]; then
  die 2 '--token-file and --cacert need --url'
fi

if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then die 3 "cowork-audit is not installed at $bin"; fi

extra=()
if [ -n "${COWORK_AUDIT_ARGS:-}" ]; then
  read -r -a extra <<< "$COWORK_AUDIT_ARGS"
fi

# ---- the run folder ----
if [ ! -d "$report_dir" ]; then
  mkdir -p -- "$report_dir" || die 2 "cannot create the report folder $report_dir"
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
run_dir=$report_dir/$stamp
n=1
until mkdir -- "$run_dir" 2> /dev/null; do
  [ -e "$run_dir" ] || die 2 "cannot create a run folder in $report_dir"
  n=$((n + 1))
  [ "$n" -le 99 ] || die 2 "too many runs in the same second in $report_dir"
  run_dir=$report_dir/$(printf '%s-%02d' "$stamp" "$n")
done

# ---- the scan ----
args=(scan --format 'summary,json,ndjson' --output "$run_dir" --fail-on "$fail_on" --quiet)
[ -z "$baseline" ] || args+=(--baseline "$baseline")
if "$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} < /dev/null; then
  code=0
else
  code=$?
fi
if [ "$code" != 0 ] && [ "$code" != 1 ]; then
  rm -rf -- "$run_dir"
  die 2 "the scan failed (exit $code); nothing kept"
fi
note "report: $run_dir/cowork-audit.json"

# ---- rotation: the newest $keep run folders stay ----
run_name='^[0-9]{8}T[0-9]{6}Z(-[0-9]{2})?$'
runs=()
for entry in "$report_dir"/*; do
  name=${entry##*/}
  if [[ $name =~ $run_name ]] && [ -d "$entry" ] && [ ! -L "$entry" ]; then
    runs+=("$entry")
  fi
done
# The glob sorts by name (LC_ALL=C), which is oldest first.
excess=$((${#runs[@]} - keep))
i=0
while [ "$i" -lt "$excess" ]; do
  rm -rf -- "${runs[$i]}"
  note "removed old report ${runs[$i]}"
  i=$((i + 1))
done

# ---- the post ----
if [ -n "$url" ]; then
  ndjson=$run_dir/cowork-audit.ndjson
  records=$(wc -l < "$ndjson" | tr -d ' ')
  curl_args=(-q --config - --silent --show-error --fail --proto '=http,https'
    --connect-timeout 10 --max-time 60 --retry "$retries" --retry-delay 2
    --header 'Content-Type: application/x-ndjson' --user-agent 'cowork-audit-run-audit'
    --data-binary "@$ndjson" --output /dev/null --write-out '%{http_code}')
  [ -z "$cacert" ] || curl_args+=(--cacert "$cacert")
  # curl reads the URL and the Authorization header from its stdin (printf is a shell builtin), so the
  # token is never on a command line that ps could show. -q first: no ~/.curlrc (it could say "insecure").
  if status=$({
    printf 'url = "%s"\n' "$url"
    [ -z "$token" ] || printf 'header = "Authorization: Bearer %s"\n' "$token"
  } | curl "${curl_args[@]}"); then
    note "posted $records record(s) to the collector (HTTP $status)"
  else
    note "posting to the collector failed (HTTP ${status:-none}); the report is kept in $run_dir"
    exit 4
  fi
fi
exit "$code"
