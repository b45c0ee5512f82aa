#!/usr/bin/env bash
# Side by side with the real OpenClaw 2026.9.6 on copies of its own state
# (test/fixtures/openclaw-2026.9.6). NOT FOR CI: it needs the real release
# installed (OC_NEW, default /work/.reference/oc-new), root (unshare -m, to bind
# each copy at /home/alice, the path the fixture's config names, and a private
# /tmp), jq and sqlite3, and takes a minute or two (each oc-new command 1.5–5 s).
#
# What it checks, printing a PASS/FAIL table (exit 1 if anything failed):
#  1. ours writes (paste-api-key, paste-token, a new profile, order set, logout)
#     → oc-new's `models status`, `models auth list --json`, `models auth order
#     get --provider anthropic --json` see exactly those writes, exit as
#     expected, and complain about nothing (invalid config, migration, doctor);
#  2. oc-new writes (paste-api-key, a new profile, order set) → ours sees them;
#     then ours writes on that state and oc-new reads it again;
#  3. `models status --check` gives the same exit code in both for anthropic:work
#     expiring in 7 d (0), in 2 h (2), 1 h ago beside a usable anthropic:default
#     (2026.9.6: 0), and 1 h ago as anthropic's only profile (1).
# Usage: scripts/compare-with-openclaw.sh [-v]   (-v prints every command's output)
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OC_NEW="${OC_NEW:-/work/.reference/oc-new}"
FIXTURE="${FIXTURE:-$ROOT/test/fixtures/openclaw-2026.9.6/home-alice}"
OURS="$ROOT/dist/openclaw.cjs"
VERBOSE=0; [ "${1:-}" = "-v" ] && VERBOSE=1

for need in jq sqlite3 unshare node; do command -v "$need" >/dev/null || { echo "needs $need" >&2; exit 2; }; done
[ -x "$OC_NEW" ] || { echo "the real release is not installed at $OC_NEW" >&2; exit 2; }
[ -f "$OURS" ] || { echo "build first: node scripts/build.mjs" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root for unshare -m" >&2; exit 2; }

WORK="$(mktemp -d /tmp/compare-openclaw.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/nstmp"

RESULTS=()
FAILED=0
# result PASS|FAIL "check" "detail"
result() {
  RESULTS+=("$(printf '%-4s | %-74s | %s' "$1" "$2" "$3")")
  [ "$1" = PASS ] || FAILED=$((FAILED + 1))
}
# check "name" "detail" test-command...
check() {
  local name="$1" detail="$2"; shift 2
  if "$@"; then result PASS "$name" "$detail"; else result FAIL "$name" "$detail"; fi
}

# A fresh copy of the fixture as home number $1.
mkhome() {
  local home="$WORK/$1"
  mkdir -p "$home"
  cp -r "$FIXTURE/.openclaw" "$home/"
  chmod -R u+w "$home"
  echo "$home"
}

# run HOME WHO STDIN args...  → $OUT (stdout), $ERR (stderr), $CODE. WHO is ours|new.
# Both run with the copy bound at /home/alice, so the config's absolute paths are right for both.
run() {
  local home="$1" who="$2" stdin="$3"; shift 3
  local exe
  if [ "$who" = new ]; then exe="$OC_NEW"; else exe="node $OURS"; fi
  printf '%s' "$stdin" > "$WORK/stdin"
  unshare -m --propagation private bash -c '
    home="$1"; nstmp="$2"; exe="$3"; shift 3
    mount -t tmpfs none /home && mkdir /home/alice && mount --bind "$home" /home/alice && mount --bind "$nstmp" /tmp || exit 99
    cd /home/alice && HOME=/home/alice NO_COLOR=1 $exe "$@"
  ' bash "$home" "$WORK/nstmp" "$exe" "$@" < "$WORK/stdin" > "$WORK/out" 2> "$WORK/err"
  CODE=$?
  OUT="$(cat "$WORK/out")"; ERR="$(cat "$WORK/err")"
  cat "$WORK/out" "$WORK/err" >> "$WORK/all-output"
  if [ "$VERBOSE" = 1 ]; then
    echo "\$ [$who] openclaw $* → exit $CODE"; sed 's/^/  | /' "$WORK/out"; sed 's/^/  ! /' "$WORK/err"
  fi
}

# The JSON document in a command's stdout (oc-new prints a warning line before it).
json() { sed -n '/^{/,$p' <<<"$OUT"; }
# No complaint a broken state would draw from oc-new.
quiet() { ! grep -Eiq 'invalid config|unrecognized key|migration|doctor|unreadable|failed|error' <<<"$OUT$ERR"; }
eq() { [ "$1" = "$2" ]; }
ends_with() { [[ "$1" == *"$2" ]]; }
masked_end() { printf '%s' "${1: -8}"; }

set_expires() { # home profile ms
  sqlite3 "$1/.openclaw/state/openclaw.sqlite" \
    "UPDATE config_machine_state SET value_json = json_set(value_json, '\$.profiles.\"$2\".expires', $3) WHERE state_key = 'authProfiles.store'"
}
store_ids() { sqlite3 "$1/.openclaw/state/openclaw.sqlite" "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'" | jq -c '.profiles | keys'; }
store_secret() { sqlite3 "$1/.openclaw/state/openclaw.sqlite" "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'" | jq -r --arg id "$2" '.profiles[$id] | .key // .token'; }
agent_state() { sqlite3 "$1/.openclaw/agents/main/agent/openclaw-agent.sqlite" "SELECT state_json FROM auth_profile_state WHERE state_key = 'primary'"; }
now_ms() { echo $(( $(date +%s) * 1000 )); }

KEY_OPENAI="sk-proj-OURS$(printf 'o%.0s' {1..40})-cmp-11111111"
KEY_OPENAI_WORK="sk-proj-OURW$(printf 'w%.0s' {1..40})-cmp-22222222"
TOKEN_OPENROUTER="sk-or-v1-OURS$(printf 'r%.0s' {1..40})-33333333"
KEY_NEW_OPENAI="sk-proj-NEWR$(printf 'n%.0s' {1..40})-cmp-44444444"
KEY_NEW_ANTHROPIC="sk-ant-api03-NEWR$(printf 'q%.0s' {1..60})-55555555"
KEY_NEW_OPENAI_2="sk-proj-NEW2$(printf 'z%.0s' {1..40})-cmp-77777777"
TOKEN_OURS_2="sk-or-v1-OURS$(printf 's%.0s' {1..40})-66666666"
ALL_SECRETS=("$KEY_OPENAI" "$KEY_OPENAI_WORK" "$TOKEN_OPENROUTER" "$KEY_NEW_OPENAI" "$KEY_NEW_ANTHROPIC" "$KEY_NEW_OPENAI_2" "$TOKEN_OURS_2")
no_secret_in_output() { local s; for s in "${ALL_SECRETS[@]}"; do grep -qF -- "$s" <<<"$OUT$ERR" && return 1; done; return 0; }

echo "openclaw: $OURS ($(node "$OURS" --version 2>/dev/null))"
echo "real:     $OC_NEW ($("$OC_NEW" --version 2>/dev/null | tail -1))"
echo

# ---------------------------------------------------------------- 1. ours writes, oc-new reads
A="$(mkhome forward)"
set_expires "$A" anthropic:work "$(( $(now_ms) + 2 * 3600 * 1000 ))"

run "$A" ours "$KEY_OPENAI" models auth paste-api-key --provider openai --profile-id openai:manual
check "ours paste-api-key openai:manual (replace)" "exit $CODE" eq "$CODE" 0
run "$A" ours "$KEY_OPENAI_WORK" models auth paste-api-key --provider openai --profile-id openai:work
check "ours paste-api-key openai:work (new profile)" "exit $CODE" eq "$CODE" 0
run "$A" ours "$TOKEN_OPENROUTER" models auth paste-token --provider openrouter
check "ours paste-token --provider openrouter (replace openrouter:manual)" "exit $CODE" eq "$CODE" 0
run "$A" ours "" models auth order set --provider anthropic anthropic:default anthropic:work
check "ours order set anthropic default,work" "exit $CODE" eq "$CODE" 0
run "$A" ours "" models auth logout anthropic:work --yes
check "ours logout anthropic:work" "exit $CODE" eq "$CODE" 0
check "rows after our writes: store ids" "$(store_ids "$A")" eq "$(store_ids "$A")" '["anthropic:default","openai:manual","openai:work","openrouter:manual"]'
check "rows after our writes: agent order row" "$(agent_state "$A")" eq "$(agent_state "$A")" '{"version":1,"order":{"anthropic":["anthropic:default"]}}'
check "no auth-profiles.json written by ours" "$(cd "$A" && find . -name 'auth-profiles.json*' | tr '\n' ' ')" eq "$(cd "$A" && find . -name 'auth-profiles.json*')" ""

run "$A" new "" models status
check "oc-new models status after our writes" "exit $CODE (expected 0)" eq "$CODE" 0
check "oc-new models status: no complaint" "$(grep -Eio 'invalid config|unrecognized key[^\n]*|migration|unreadable' <<<"$OUT$ERR" | head -1)" quiet
check "oc-new status: Auth store is the agent db" "$(grep -m1 '^Auth store' <<<"$OUT")" grep -q '^Auth store *: ~/.openclaw/agents/main/agent/openclaw-agent.sqlite$' <<<"$OUT"
check "oc-new status: our openai key (masked …$(masked_end "$KEY_OPENAI"))" "$(grep -o 'openai:manual=[^ ,]*' <<<"$OUT")" ends_with "$(grep -o 'openai:manual=[^ ,]*' <<<"$OUT")" "$(masked_end "$KEY_OPENAI")"
check "oc-new status: our openrouter token" "$(grep -o 'openrouter:manual=[^ ,]*' <<<"$OUT")" ends_with "$(grep -o 'openrouter:manual=[^ ,]*' <<<"$OUT")" "$(masked_end "$TOKEN_OPENROUTER")"
check "oc-new status: anthropic:work gone" "$(grep -c 'anthropic:work' <<<"$OUT") mentions" eq "$(grep -c 'anthropic:work' <<<"$OUT")" 0
check "oc-new status: effective=profiles:state db for openai" "$(grep -o '^- openai effective=[^ ]*' <<<"$OUT")" eq "$(grep -o '^- openai effective=[^ ]*' <<<"$OUT")" "- openai effective=profiles:~/.openclaw/state/openclaw.sqlite"

run "$A" new "" models status --check
NEW_CHECK=$CODE
run "$A" ours "" models status --check
check "status --check after our writes: same exit code" "oc-new $NEW_CHECK, ours $CODE (expected 0)" eq "$NEW_CHECK:$CODE" 0:0

run "$A" new "" models auth list --json
LIST_NEW="$(json | jq -c '[.profiles[] | [.id, .provider, .type]] | sort' 2>/dev/null)"
check "oc-new auth list --json after our writes" "exit $CODE" eq "$CODE" 0
check "oc-new auth list: exactly our profiles" "$LIST_NEW" eq "$LIST_NEW" '[["anthropic:default","anthropic","api_key"],["openai:manual","openai","api_key"],["openai:work","openai","api_key"],["openrouter:manual","openrouter","token"]]'
check "oc-new auth list: no complaint" "" quiet
run "$A" ours "" models auth list --json
LIST_OURS="$(json | jq -c '[.profiles[] | [.profileId, .provider, .type]] | sort' 2>/dev/null)"
check "ours auth list --json = oc-new's" "$LIST_OURS" eq "$LIST_OURS" "$LIST_NEW"

run "$A" new "" models auth order get --provider anthropic --json
ORDER_NEW="$(json | jq -c '.order' 2>/dev/null)"
check "oc-new order get anthropic after our set+logout" "exit $CODE, order $ORDER_NEW" eq "$CODE:$ORDER_NEW" '0:["anthropic:default"]'
run "$A" ours "" models auth order get --provider anthropic --json
check "ours order get = oc-new's" "$(json | jq -c '.order')" eq "$(json | jq -c '.order')" "$ORDER_NEW"

# ---------------------------------------------------------------- 2. oc-new writes, ours reads
B="$(mkhome reverse)"
set_expires "$B" anthropic:work "$(( $(now_ms) + 2 * 3600 * 1000 ))"
run "$B" new "$KEY_NEW_OPENAI" models auth paste-api-key --provider openai
check "oc-new paste-api-key --provider openai (default id)" "exit $CODE" eq "$CODE" 0
check "oc-new's default id is openai:manual (replaced)" "$(store_secret "$B" openai:manual | cut -c1-12)…" eq "$(store_secret "$B" openai:manual)" "$KEY_NEW_OPENAI"
run "$B" new "$KEY_NEW_ANTHROPIC" models auth paste-api-key --provider anthropic
# (2026.9.6's default id for an anthropic API key is anthropic:default, not anthropic:manual.)
check "oc-new paste-api-key --provider anthropic (default id → anthropic:default)" "exit $CODE" eq "$CODE:$(store_secret "$B" anthropic:default)" "0:$KEY_NEW_ANTHROPIC"
run "$B" new "$KEY_NEW_OPENAI_2" models auth paste-api-key --provider openai --profile-id openai:fromnew
check "oc-new paste-api-key openai:fromnew (new profile)" "exit $CODE" eq "$CODE:$(store_secret "$B" openai:fromnew)" "0:$KEY_NEW_OPENAI_2"
run "$B" new "" models auth order set --provider openai openai:manual
check "oc-new order set openai openai:manual" "exit $CODE" eq "$CODE" 0

run "$B" ours "" models auth list --json
check "ours auth list --json after oc-new's writes" "exit $CODE" eq "$CODE" 0
LIST_OURS="$(json | jq -c '[.profiles[] | .profileId] | sort' 2>/dev/null)"
check "ours sees the 5 profiles" "$LIST_OURS" eq "$LIST_OURS" '["anthropic:default","anthropic:work","openai:fromnew","openai:manual","openrouter:manual"]'
CRED="$(json | jq -r '.profiles[] | select(.profileId == "openai:manual") | .credential' 2>/dev/null)"
check "ours sees oc-new's openai key (masked)" "$CRED" ends_with "$CRED" "${KEY_NEW_OPENAI: -6}"
CRED="$(json | jq -r '.profiles[] | select(.profileId == "anthropic:default") | .credential' 2>/dev/null)"
check "ours sees oc-new's anthropic:default key (masked)" "$CRED" ends_with "$CRED" "${KEY_NEW_ANTHROPIC: -8}"
run "$B" ours "" models auth order get --provider openai --json
check "ours order get openai = oc-new's set" "$(json | jq -c '.order')" eq "$(json | jq -c '.order')" '["openai:manual"]'
run "$B" ours "" models auth order get --provider anthropic --json
check "ours keeps the anthropic order beside it" "$(json | jq -c '.order')" eq "$(json | jq -c '.order')" '["anthropic:work","anthropic:default"]'
run "$B" ours "" models status
check "ours models status on oc-new's writes" "exit $CODE" eq "$CODE" 0
run "$B" new "" models status --check
NEW_CHECK=$CODE
run "$B" ours "" models status --check
check "status --check after oc-new's writes: same exit code" "oc-new $NEW_CHECK, ours $CODE (expected 2)" eq "$NEW_CHECK:$CODE" 2:2

# ... and back: ours writes on the state oc-new wrote, oc-new reads.
run "$B" ours "$TOKEN_OURS_2" models auth paste-token --provider openrouter
check "ours paste-token openrouter on oc-new's state" "exit $CODE" eq "$CODE" 0
run "$B" new "" models auth list --json
LIST_NEW="$(json | jq -c '[.profiles[] | .id] | sort' 2>/dev/null)"
check "oc-new auth list after the round trip" "exit $CODE, $LIST_NEW" eq "$CODE:$LIST_NEW" '0:["anthropic:default","anthropic:work","openai:fromnew","openai:manual","openrouter:manual"]'
check "oc-new auth list: no complaint" "" quiet
run "$B" new "" models status
check "oc-new status sees our new openrouter token" "$(grep -o 'openrouter:manual=[^ ,]*' <<<"$OUT")" ends_with "$(grep -o 'openrouter:manual=[^ ,]*' <<<"$OUT")" "$(masked_end "$TOKEN_OURS_2")"
check "oc-new status after the round trip: no complaint" "exit $CODE" quiet
run "$B" new "" models auth order get --provider openai --json
check "oc-new order get openai kept" "$(json | jq -c '.order')" eq "$(json | jq -c '.order')" '["openai:manual"]'

# ---------------------------------------------------------------- 3. --check exit codes
C="$(mkhome check)"
for case in "7d|$((7 * 24 * 3600 * 1000))|0" "2h|$((2 * 3600 * 1000))|2" "-1h, anthropic:default still usable|$((-3600 * 1000))|0"; do
  IFS='|' read -r label delta expected <<<"$case"
  set_expires "$C" anthropic:work "$(( $(now_ms) + delta ))"
  run "$C" new "" models status --check
  NEW_CHECK=$CODE
  run "$C" ours "" models status --check
  note=""; [ "$NEW_CHECK" != "$CODE" ] && note="; known: ours applies 2026.2.26's rule (any expired → 1)"
  check "status --check, anthropic:work expires $label" "oc-new $NEW_CHECK, ours $CODE (2026.9.6: $expected)$note" eq "$NEW_CHECK:$CODE" "$expected:$expected"
done
# anthropic:work expired and anthropic's only credential.
run "$C" ours "" models auth logout anthropic:default --yes
check "ours logout anthropic:default" "exit $CODE" eq "$CODE" 0
run "$C" new "" models status --check
NEW_CHECK=$CODE
run "$C" ours "" models status --check
check "status --check, anthropic:work expired, anthropic's only profile" "oc-new $NEW_CHECK, ours $CODE (2026.9.6: 1)" eq "$NEW_CHECK:$CODE" "1:1"

OUT="$(cat "$WORK/all-output")"; ERR=""
check "no pasted secret in any output of either CLI" "$(wc -l < "$WORK/all-output") lines checked" no_secret_in_output

echo
printf '%-4s | %-74s | %s\n' RES CHECK DETAIL
printf '%s\n' "-----+----------------------------------------------------------------------------+----------------------------------------"
printf '%s\n' "${RESULTS[@]}"
echo
echo "$(( ${#RESULTS[@]} - FAILED )) passed, $FAILED failed"
[ "$FAILED" = 0 ]
