#!/usr/bin/env bash
# Runs the real Codex CLI and the real Claude Code against the real gateway
# (dist/openclaw.cjs), whose providers all point at a fake model provider on
# 127.0.0.1 (scripts/try-coding-agents-fake.mjs) that plays one short coding
# session: write hello.txt, read it back, say what it holds. Each agent runs
# once per upstream API, translated and same-API:
#
#   Codex (Responses API) -> Anthropic Messages, with a model name Codex knows
#                            (apply_patch, its freeform tool) and one it does not
#                            (namespace tools), -> Chat Completions, -> Responses
#   Claude Code (Messages) -> Chat Completions, -> Responses, -> Anthropic Messages
#
# Not run by CI (it installs the two agents from the npm registry, ~450 MB).
# Needs Node >= 20.18 and npm. Every agent runs with a throwaway HOME; nothing
# leaves 127.0.0.1 except the agents' own telemetry, which fails.
#
#   scripts/try-coding-agents.sh              # installs the agents under a temp prefix
#   TOOLS_DIR=/tmp/agents scripts/try-coding-agents.sh   # reuses (or fills) that prefix
#   KEEP=1 scripts/try-coding-agents.sh       # keeps the work dir (logs, request captures)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CODEX_VERSION=${CODEX_VERSION:-0.171.0}
CLAUDE_VERSION=${CLAUDE_VERSION:-2.1.197}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/openclaw-agents.XXXXXX")
TOOLS=${TOOLS_DIR:-$WORK/tools}
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${KEEP:-}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ ! -x "$TOOLS/node_modules/.bin/codex" ] || [ ! -x "$TOOLS/node_modules/.bin/claude" ]; then
  echo "installing @openai/codex@$CODEX_VERSION and @anthropic-ai/claude-code@$CLAUDE_VERSION under $TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "@openai/codex@$CODEX_VERSION" "@anthropic-ai/claude-code@$CLAUDE_VERSION" >/dev/null
fi
CODEX="$TOOLS/node_modules/.bin/codex"
CLAUDE="$TOOLS/node_modules/.bin/claude"
echo "codex: $("$CODEX" --version 2>/dev/null | tail -n 1); claude: $("$CLAUDE" --version)"

[ -f "$ROOT/dist/openclaw.cjs" ] || node "$ROOT/scripts/build.mjs"

wait_for_line() { # file pattern
  for _ in $(seq 1 100); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -o "$2" "$1" | head -n 1; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

# The fake provider.
node "$ROOT/scripts/try-coding-agents-fake.mjs" 0 "$WORK/upstream.jsonl" >"$WORK/fake.log" 2>&1 &
PIDS+=($!)
FAKE=$(wait_for_line "$WORK/fake.log" 'http://127.0.0.1:[0-9]*')

# The gateway, with a state dir whose providers all point at the fake.
GW_HOME="$WORK/gateway-home"
mkdir -p "$GW_HOME/.openclaw/agents/main/agent"
cat >"$GW_HOME/.openclaw/openclaw.json" <<EOF
{
  "agents": { "defaults": {
    "model": { "primary": "anthropic/claude-opus-4-6" },
    "models": { "anthropic/claude-opus-4-6": { "alias": "gpt-5.5" } }
  } },
  "models": { "providers": {
    "anthropic": { "baseUrl": "$FAKE" },
    "openai": { "baseUrl": "$FAKE/v1" },
    "oair": { "baseUrl": "$FAKE/v1", "api": "openai-responses", "models": [] }
  } }
}
EOF
cat >"$GW_HOME/.openclaw/agents/main/agent/auth-profiles.json" <<EOF
{ "version": 1, "profiles": {
  "anthropic:default": { "type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-fake-$(date +%s)" },
  "openai:default": { "type": "api_key", "provider": "openai", "key": "sk-proj-fake-$(date +%s)" },
  "oair:default": { "type": "api_key", "provider": "oair", "key": "sk-proj-fake-responses-$(date +%s)" }
} }
EOF
chmod 600 "$GW_HOME/.openclaw/agents/main/agent/auth-profiles.json"
TOKEN="gw-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
HOME="$GW_HOME" OPENCLAW_GATEWAY_TOKEN="$TOKEN" node "$ROOT/dist/openclaw.cjs" gateway --port 0 >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)
GATEWAY=$(wait_for_line "$WORK/gateway.log" 'http://127.0.0.1:[0-9]*')
echo "fake provider $FAKE, gateway $GATEWAY"

PROMPT="Create hello.txt containing a greeting, then show it"
FAILED=0

check() { # name dir log
  local name=$1 dir=$2 log=$3
  if grep -qx "hello from the fake model" "$dir/hello.txt" 2>/dev/null && grep -q 'Done: hello.txt says "hello from the fake model"' "$log"; then
    echo "ok   $name"
  else
    echo "FAIL $name (log: $log)"; tail -n 30 "$log"; FAILED=1
  fi
}

run_codex() { # name model
  local name=$1 model=$2 home="$WORK/codex-$1/home" dir="$WORK/codex-$1/work"
  mkdir -p "$home/.codex" "$dir"
  # The tested settings (docs/clients.md): a provider whose base URL is the gateway's /v1.
  cat >"$home/.codex/config.toml" <<EOF
model = "$model"
model_provider = "openclaw"

[model_providers.openclaw]
name = "OpenClaw gateway"
base_url = "$GATEWAY/v1"
env_key = "OPENCLAW_GATEWAY_TOKEN"
wire_api = "responses"
EOF
  (cd "$dir" && HOME="$home" CODEX_HOME="$home/.codex" OPENCLAW_GATEWAY_TOKEN="$TOKEN" timeout 180 "$CODEX" exec --skip-git-repo-check \
    --dangerously-bypass-approvals-and-sandbox "$PROMPT" </dev/null >"$WORK/codex-$name.log" 2>&1) || true
  check "codex -> $model" "$dir" "$WORK/codex-$name.log"
}

run_claude() { # name model
  local name=$1 model=$2 home="$WORK/claude-$1/home" dir="$WORK/claude-$1/work"
  mkdir -p "$home" "$dir"
  # The tested settings (docs/clients.md): the gateway's root URL and its token; no ANTHROPIC_API_KEY.
  (cd "$dir" && env -u ANTHROPIC_API_KEY HOME="$home" ANTHROPIC_BASE_URL="$GATEWAY" ANTHROPIC_AUTH_TOKEN="$TOKEN" ANTHROPIC_MODEL="$model" \
    ANTHROPIC_DEFAULT_HAIKU_MODEL="$model" timeout 180 "$CLAUDE" -p "$PROMPT" --allowedTools "Write Bash Read" </dev/null >"$WORK/claude-$name.log" 2>&1) || true
  check "claude -> $model" "$dir" "$WORK/claude-$name.log"
}

run_codex anthropic-known gpt-5.5                   # alias of anthropic/claude-opus-4-6: Codex offers apply_patch
run_codex anthropic anthropic/claude-opus-4-6       # a name Codex does not know: exec_command, namespace tools
run_codex chat openai/gpt-5.2
run_codex responses oair/gpt-5.5
run_claude chat openai/gpt-5.2
run_claude responses oair/gpt-5.5
run_claude anthropic anthropic/claude-opus-4-6

echo
echo "upstream requests by route:"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const counts = {};
  for (const r of lines) counts[`${r.method} ${r.url}`] = (counts[`${r.method} ${r.url}`] ?? 0) + 1;
  for (const [route, n] of Object.entries(counts)) console.log(`  ${n}  ${route}`);
' "$WORK/upstream.jsonl"
echo "gateway requests by route and status:"
grep -oE '(GET|POST|HEAD|PUT|DELETE) /[^ ]* [0-9]{3}' "$WORK/gateway.log" | sort | uniq -c | sed 's/^/  /' || true
if grep -q "$TOKEN" "$WORK/gateway.log" "$WORK"/codex-*.log "$WORK"/claude-*.log "$WORK/upstream.jsonl"; then echo "FAIL the gateway token appears in a log"; FAILED=1; fi
exit $FAILED
