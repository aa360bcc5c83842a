# The fixed part of every bash remediation script written by cowork-audit (src/remediate/bash-writer.ts).
# Generated step lines replace the STEPS marker and only call the functions below with single-quoted
# arguments. Dry run unless --apply; every step reads the current state before it changes anything.
# TARGET_KIND and REPORT_HOST are set by the generated header.
set -euo pipefail
umask 077

APPLY=0
FORCE=0
ROOT=''
ROLLBACK=''

usage() {
  cat <<'USAGE'
Usage: remediate.sh [--apply] [--root DIR] [--rollback FILE] [--force]

  (no option)      dry run: print what would change, change nothing
  --apply          make the changes; a rollback script is written first
  --root DIR       fix an offline image mounted at DIR (required for reports of --root scans)
  --rollback FILE  where to write the rollback script (default ./cowork-audit-rollback-<time>.sh)
  --force          run on a host other than the one the report was made on
USAGE
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --apply) APPLY=1 ;;
    --force) FORCE=1 ;;
    --root) [ "$#" -ge 2 ] || { echo "--root needs a folder" >&2; exit 2; }; ROOT=$2; shift ;;
    --rollback) [ "$#" -ge 2 ] || { echo "--rollback needs a file" >&2; exit 2; }; ROLLBACK=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

CHANGES=0
REFUSED=0
say() { printf '%s\n' "$*"; }
note() { printf '  %s\n' "$*"; }
refuse() { REFUSED=$((REFUSED + 1)); printf '  REFUSED: %s\n' "$*" >&2; }

ROOT_REAL=''
if [ "$TARGET_KIND" = root ] || [ "$TARGET_KIND" = repo ]; then
  [ -n "$ROOT" ] || { echo "this report is of an offline $TARGET_KIND: pass --root DIR (its folder)" >&2; exit 2; }
fi
if [ -n "$ROOT" ]; then
  ROOT_REAL=$(cd -P -- "$ROOT" 2>/dev/null && pwd -P) || { echo "--root: no such folder: $ROOT" >&2; exit 2; }
  [ "$ROOT_REAL" != / ] || { echo "--root /: run without --root to fix this machine" >&2; exit 2; }
elif [ "$FORCE" != 1 ] && [ -n "$REPORT_HOST" ] && [ "$(hostname)" != "$REPORT_HOST" ]; then
  echo "this report was made on $REPORT_HOST, not $(hostname): refusing (use --force to override)" >&2
  exit 2
fi

if [ "$APPLY" = 1 ]; then
  [ -n "$ROLLBACK" ] || ROLLBACK="./cowork-audit-rollback-$(date -u +%Y%m%dT%H%M%SZ).sh"
  cat > "$ROLLBACK" <<'HEADER'
#!/usr/bin/env bash
# Rollback written by a cowork-audit remediation script: restores what it changed. Each `undo` line
# records one step; they run when this script ends, last change first.
set -u
UNDO=()
undo() { local line; printf -v line '%q ' "$@"; UNDO+=("$line"); }
run_undo() {
  local i
  for ((i = ${#UNDO[@]} - 1; i >= 0; i--)); do eval "${UNDO[i]}" || echo "rollback step failed: ${UNDO[i]}" >&2; done
}
trap run_undo EXIT
HEADER
  chmod 700 "$ROLLBACK"
  say "mode: apply (rollback script: $ROLLBACK)"
else
  say "mode: dry run (nothing is changed; pass --apply to change)"
fi

# rollback CMD ARGS...: records how to undo one step, every word quoted, in the rollback script.
rollback() {
  [ "$APPLY" = 1 ] || return 0
  local line
  printf -v line '%q ' undo "$@"
  printf '%s\n' "$line" >> "$ROLLBACK"
}

# locate PATH: sets TARGET to where PATH is on this machine. Under --root the path is confined to the
# image: a final symlink or a folder that leads out of it is refused, never followed.
locate() {
  local path=$1 full dir base real
  full="$ROOT$path"
  TARGET=$full
  [ -n "$ROOT" ] || return 0
  if [ -L "$full" ]; then refuse "$path is a symbolic link inside the image; fix what it points to by hand"; return 1; fi
  dir=${full%/*}
  base=${full##*/}
  real=$(cd -P -- "$dir" 2>/dev/null && pwd -P && printf x) || { note "skip: $path: its folder does not exist"; return 1; }
  real=${real%x}
  real=${real%$'\n'}
  case "$real/" in
    "$ROOT_REAL"/*) TARGET="$real/$base" ;;
    *) refuse "$path resolves outside the image ($real)"; return 1 ;;
  esac
}

exists() { [ -e "$TARGET" ] || [ -L "$TARGET" ]; }

mode_of() { stat -c '%a' -- "$1" 2>/dev/null || stat -f '%Lp' -- "$1"; }
owner_of() { stat -c '%u:%g' -- "$1" 2>/dev/null || stat -f '%u:%g' -- "$1"; }

# uid_of NAME: the account's uid in the image (--root) or on this machine.
uid_of() {
  if [ -n "$ROOT" ]; then
    awk -F: -v name="$1" '$1 == name { print $3; exit }' "$ROOT_REAL/etc/passwd" 2>/dev/null
  else
    id -u -- "$1" 2>/dev/null
  fi
}

fix_mode() {
  local path=$1 mode=$2 current
  locate "$path" || return 0
  exists || { note "skip: $path no longer exists"; return 0; }
  current=$(mode_of "$TARGET")
  if [ "$((8#$current))" -eq "$((8#$mode))" ]; then note "ok: $path is already $mode"; return 0; fi
  CHANGES=$((CHANGES + 1))
  say "chmod $path: $current -> $mode"
  [ "$APPLY" = 1 ] || return 0
  rollback chmod -- "$current" "$TARGET"
  chmod -- "$mode" "$TARGET"
  note "now $(mode_of "$TARGET")"
}

fix_owner() {
  local path=$1 user=$2 uid current
  locate "$path" || return 0
  exists || { note "skip: $path no longer exists"; return 0; }
  uid=$(uid_of "$user") || true
  [ -n "$uid" ] || { refuse "$path: no account named $user"; return 0; }
  current=$(owner_of "$TARGET")
  if [ "${current%%:*}" = "$uid" ]; then note "ok: $path already belongs to $user"; return 0; fi
  CHANGES=$((CHANGES + 1))
  say "chown $path: uid ${current%%:*} -> $user ($uid)"
  [ "$APPLY" = 1 ] || return 0
  rollback chown -- "$current" "$TARGET"
  chown -- "$uid" "$TARGET"
  note "now $(owner_of "$TARGET")"
}

# remove_posix_acl PATH TAG QUALIFIER DEFAULT: drops one named entry (u:1001, g:50), access or default ACL.
remove_posix_acl() {
  local path=$1 tag=$2 qualifier=$3 scope=$4 prefix='' short entry
  command -v setfacl >/dev/null 2>&1 || { refuse "$path: setfacl is not installed (package acl)"; return 0; }
  locate "$path" || return 0
  exists || { note "skip: $path no longer exists"; return 0; }
  [ "$scope" = default ] && prefix='default:'
  short=${tag:0:1}
  entry=$(getfacl -n --absolute-names -- "$TARGET" 2>/dev/null | awk -F: -v want="$prefix$tag:$qualifier:" 'index($0, want) == 1 { split(substr($0, length(want) + 1), p, /[ \t#]/); print p[1]; exit }')
  if [ -z "$entry" ]; then note "ok: $path has no ${prefix}$tag:$qualifier entry"; return 0; fi
  CHANGES=$((CHANGES + 1))
  say "setfacl $path: remove ${prefix}$tag:$qualifier ($entry)"
  [ "$APPLY" = 1 ] || return 0
  if [ "$scope" = default ]; then
    rollback setfacl -d -m "$short:$qualifier:$entry" -- "$TARGET"
    setfacl -d -x "$short:$qualifier" -- "$TARGET"
  else
    rollback setfacl -m "$short:$qualifier:$entry" -- "$TARGET"
    setfacl -x "$short:$qualifier" -- "$TARGET"
  fi
}

# remove_darwin_acl PATH ENTRY: removes one macOS ACL entry (text as ls -le prints it).
remove_darwin_acl() {
  local path=$1 entry=$2
  [ "$(uname -s)" = Darwin ] || { refuse "$path: macOS ACL entries can only be removed on macOS"; return 0; }
  locate "$path" || return 0
  exists || { note "skip: $path no longer exists"; return 0; }
  # ls -le is the only place macOS shows ACL entries, and the name is passed with --, so ls | grep is safe.
  # shellcheck disable=SC2010
  if ! ls -led -- "$TARGET" | grep -qF -- "$entry"; then note "ok: $path has no entry $entry"; return 0; fi
  CHANGES=$((CHANGES + 1))
  say "chmod -a $path: remove $entry"
  [ "$APPLY" = 1 ] || return 0
  rollback chmod +a "$entry" "$TARGET"
  chmod -a "$entry" "$TARGET"
}

# set_json_key PATH KEYPATH VALUE: one key of a JSON/JSONC settings file, through `cowork-audit json-set`,
# which keeps comments and other keys and writes in place (owner, mode and ACL stay). Backed up first.
BACKUPS=0
# backup_target: copies $TARGET beside the rollback script and records how to put it back.
backup_target() {
  local backup
  BACKUPS=$((BACKUPS + 1))
  mkdir -p -- "$ROLLBACK.backup"
  backup="$ROLLBACK.backup/$BACKUPS"
  cp -p -- "$TARGET" "$backup"
  rollback cp -p -- "$backup" "$TARGET"
}
set_json_key() {
  local path=$1 keypath=$2 value=$3 status=0 said
  locate "$path" || return 0
  exists || { note "skip: $path does not exist"; return 0; }
  "$COWORK_AUDIT" json-set --check -- "$TARGET" "$keypath" "$value" >/dev/null 2>&1 || status=$?
  case "$status" in
    0) note "ok: $path already has $keypath = $value"; return 0 ;;
    1) ;;
    *) refuse "$path: cannot be edited safely (not valid JSON, or $COWORK_AUDIT not found: set COWORK_AUDIT)"; return 0 ;;
  esac
  CHANGES=$((CHANGES + 1))
  say "set $path $keypath -> $value"
  [ "$APPLY" = 1 ] || return 0
  backup_target
  if said=$("$COWORK_AUDIT" json-set -- "$TARGET" "$keypath" "$value" 2>&1); then
    note "$said"
  else
    refuse "$path: json-set failed: $said"
  fi
}

# set_env_line PATH NAME VALUE: NAME="VALUE" in a KEY=VALUE environment file (/etc/environment, read by
# pam_env, which expands nothing). The variable's first line is replaced and later ones dropped, or the
# line is appended; a missing file is created (0644). Written in place (owner and mode stay), backed up
# first. A value with a newline, a double quote or a backslash cannot be written safely and is refused.
set_env_line() {
  local path=$1 name=$2 value=$3 current='' found=0 tmp
  case "$name" in '' | [0-9]* | *[!A-Za-z0-9_]*) refuse "$path: \"$name\" is not a variable name"; return 0 ;; esac
  case "$value" in *$'\n'* | *'"'* | *\\*) refuse "$path: the value for $name holds a newline, a double quote or a backslash"; return 0 ;; esac
  locate "$path" || return 0
  if exists; then
    if [ -L "$TARGET" ] || [ ! -f "$TARGET" ]; then refuse "$path is not a regular file"; return 0; fi
    if current=$(ENV_NAME=$name awk '{ line = $0; sub(/^[ \t]+/, "", line); sub(/^export[ \t]+/, "", line) } index(line, ENVIRON["ENV_NAME"] "=") == 1 { value = substr(line, length(ENVIRON["ENV_NAME"]) + 2); sub(/[ \t\r]+$/, "", value); if (value ~ /^".*"$/ || value ~ /^'\''.*'\''$/) value = substr(value, 2, length(value) - 2); last = value; seen = 1 } END { if (!seen) exit 1; printf "%s", last }' "$TARGET"); then found=1; fi
  fi
  if [ "$found" = 1 ] && [ "$current" = "$value" ]; then note "ok: $path already has $name=\"$value\""; return 0; fi
  CHANGES=$((CHANGES + 1))
  if [ "$found" = 1 ]; then say "set $path $name: \"$current\" -> \"$value\""; else say "set $path $name=\"$value\" (new line)"; fi
  [ "$APPLY" = 1 ] || return 0
  tmp=$(mktemp)
  if exists; then
    backup_target
    ENV_NAME=$name ENV_VALUE=$value awk '{ line = $0; sub(/^[ \t]+/, "", line); sub(/^export[ \t]+/, "", line) } index(line, ENVIRON["ENV_NAME"] "=") == 1 { if (!done) print ENVIRON["ENV_NAME"] "=\"" ENVIRON["ENV_VALUE"] "\""; done = 1; next } { print } END { if (!done) print ENVIRON["ENV_NAME"] "=\"" ENVIRON["ENV_VALUE"] "\"" }' "$TARGET" > "$tmp"
    cat -- "$tmp" > "$TARGET"
  else
    rollback rm -f -- "$TARGET"
    printf '%s="%s"\n' "$name" "$value" > "$TARGET"
    chmod 644 -- "$TARGET"
  fi
  rm -f -- "$tmp"
  note "now $(grep -c '' -- "$TARGET") line(s)"
}

# ensure_folder DIR: makes DIR and its missing parents (0755), each one confined to the target by locate
# before it is made; rollback removes them again. In a dry run nothing is made: PENDING=1 says a folder
# would be.
PENDING=0
ensure_folder() {
  local dir=$1
  [ -n "$dir" ] || return 0
  if [ ! -e "$ROOT$dir" ] && [ ! -L "$ROOT$dir" ]; then
    ensure_folder "${dir%/*}" || return 1
    [ "$PENDING" = 0 ] || return 0
    locate "$dir" || return 1
    if [ "$APPLY" != 1 ]; then PENDING=1; return 0; fi
    mkdir -m 755 -- "$TARGET"
    rollback rmdir -- "$TARGET"
    note "made folder $dir"
    return 0
  fi
  locate "$dir" || return 1
  [ -d "$TARGET" ] || { refuse "$dir is not a folder"; return 1; }
}

# write_file PATH MODE CONTENT: a file the tool owns (a drop-in, a policy file) with exactly CONTENT and
# MODE; missing folders are made. An existing file is backed up and rewritten in place.
write_file() {
  local path=$1 mode=$2 content=$3 current
  case "$mode" in [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;; *) refuse "$path: \"$mode\" is not an octal mode"; return 0 ;; esac
  PENDING=0
  ensure_folder "${path%/*}" || return 0
  if [ "$PENDING" = 1 ]; then
    CHANGES=$((CHANGES + 1))
    say "create $path ($mode) in a new folder"
    return 0
  fi
  locate "$path" || return 0
  if exists; then
    if [ -L "$TARGET" ] || [ ! -f "$TARGET" ]; then refuse "$path is not a regular file"; return 0; fi
    current=$(cat -- "$TARGET"; printf x)
    if [ "$current" = "${content}x" ] && [ "$((8#$(mode_of "$TARGET")))" -eq "$((8#$mode))" ]; then note "ok: $path already has the wanted content and mode $mode"; return 0; fi
    CHANGES=$((CHANGES + 1))
    say "rewrite $path ($mode)"
    [ "$APPLY" = 1 ] || return 0
    backup_target
  else
    CHANGES=$((CHANGES + 1))
    say "create $path ($mode)"
    [ "$APPLY" = 1 ] || return 0
    rollback rm -f -- "$TARGET"
  fi
  printf '%s' "$content" > "$TARGET"
  chmod -- "$mode" "$TARGET"
  note "now $(mode_of "$TARGET"), $(grep -c '' -- "$TARGET") line(s)"
}

# nft_egress CHECK PATH CONF CONTENT: the default-deny egress table of firewall-egress. CONTENT is checked
# with `nft -c -f` before anything is written (a ruleset nft rejects is refused), written to PATH, and
# included from the nftables service configuration CONF. Loading it on a running machine and enabling the
# service at boot are left to a person: a wrong firewall can cut the machine off.
nft_egress() {
  local check=$1 path=$2 conf=$3 content=$4 tmp out refused=$REFUSED
  if command -v nft >/dev/null 2>&1; then
    tmp=$(mktemp)
    printf '%s' "$content" > "$tmp"
    if out=$(nft -c -f "$tmp" 2>&1); then
      note "nft -c -f: the ruleset for $path is valid"
    elif printf '%s' "$out" | grep -q 'Operation not permitted'; then
      note "the ruleset for $path was not checked: nft -c needs CAP_NET_ADMIN (run as root)"
    else
      rm -f -- "$tmp"
      refuse "$path: nft -c -f rejects the generated ruleset: $out"
      return 0
    fi
    rm -f -- "$tmp"
  else
    note "nft is not installed here: the ruleset for $path was not checked (nft -c -f $path)"
  fi
  write_file "$path" 644 "$content"
  [ "$REFUSED" = "$refused" ] || return 0
  nft_include "$conf" "include \"$path\""
  if [ -n "$ROOT" ]; then
    # A wants link names the unit; its target is a path inside the image, so the link itself is what counts.
    if [ -L "$ROOT_REAL/etc/systemd/system/sysinit.target.wants/nftables.service" ] || [ -L "$ROOT_REAL/etc/systemd/system/multi-user.target.wants/nftables.service" ]; then
      note "ok: nftables.service is enabled at boot in the image"
    else
      manual "$check" "enable the nftables service at boot in the image (install nftables, then: systemctl --root <image> enable nftables.service)"
    fi
  else
    manual "$check" "load the egress table now: nft -f $path (established connections stay up; check with: nft list table inet cowork_audit_egress)"
    if [ "$(systemctl is-enabled nftables.service 2>/dev/null || true)" != enabled ]; then
      manual "$check" "enable it at boot: systemctl enable nftables.service (it loads $conf)"
    fi
  fi
}

# nft_include CONF LINE: LINE (an include statement) in the nftables configuration CONF: appended when no
# line is equal to it; a missing CONF is created (0755 as distributions ship it) with only the include.
nft_include() {
  local conf=$1 line=$2
  locate "$conf" || return 0
  if exists; then
    if [ -L "$TARGET" ] || [ ! -f "$TARGET" ]; then refuse "$conf is not a regular file"; return 0; fi
    if grep -qxF -- "$line" "$TARGET"; then note "ok: $conf already has: $line"; return 0; fi
    CHANGES=$((CHANGES + 1))
    say "append to $conf: $line"
    [ "$APPLY" = 1 ] || return 0
    backup_target
    if [ -n "$(tail -c 1 -- "$TARGET")" ]; then printf '\n' >> "$TARGET"; fi
    printf '%s\n' "$line" >> "$TARGET"
  else
    CHANGES=$((CHANGES + 1))
    say "create $conf (755) with: $line"
    [ "$APPLY" = 1 ] || return 0
    rollback rm -f -- "$TARGET"
    printf '#!/usr/sbin/nft -f\n%s\n' "$line" > "$TARGET"
    chmod 755 -- "$TARGET"
  fi
}

# pf_anchor CHECK PATH CONTENT PFCONF_LINES: the egress anchor of firewall-egress on macOS, written to PATH
# (checked with pfctl -nf when this is the Mac itself). pf.conf is left to a person: macOS updates
# rewrite it, and a wrong pf.conf can cut the machine off.
pf_anchor() {
  local check=$1 path=$2 content=$3 lines=$4 tmp out
  if [ -z "$ROOT" ] && command -v pfctl >/dev/null 2>&1; then
    tmp=$(mktemp)
    printf '%s' "$content" > "$tmp"
    if ! out=$(pfctl -a cowork-audit.egress -nf "$tmp" 2>&1); then
      rm -f -- "$tmp"
      refuse "$path: pfctl -nf rejects the generated anchor: $out"
      return 0
    fi
    rm -f -- "$tmp"
    note "pfctl -nf: the anchor for $path is valid"
  fi
  write_file "$path" 644 "$content"
  if [ -f "$ROOT/etc/pf.conf" ] && grep -qF -- "${lines%%$'\n'*}" "$ROOT/etc/pf.conf"; then
    note "ok: /etc/pf.conf already loads the anchor"
  else
    manual "$check" "add these lines to /etc/pf.conf, after the com.apple anchors: ${lines//$'\n'/ ; }"
  fi
  manual "$check" "check and load: pfctl -vnf /etc/pf.conf && pfctl -f /etc/pf.conf && pfctl -E; at boot, a LaunchDaemon that runs pfctl -E -f /etc/pf.conf (pf is not enabled by default)"
}

manual() {
  say "MANUAL ($1): $2"
  [ -z "${3:-}" ] || note "see $3"
}

# @STEPS@

if [ "$APPLY" = 1 ]; then
  say "done: $CHANGES change(s) made, $REFUSED refused; undo with: bash $ROLLBACK"
else
  say "dry run: $CHANGES change(s) would be made, $REFUSED refused"
fi
[ "$REFUSED" -eq 0 ] || exit 3
