// A Termux:Widget script (spec §7: OpenClaw's termux-quick-auth.sh, minus its
// Claude-Code-era paths): one tap runs `openclaw models status --check` on the
// gateway host over SSH and shows the answer as a notification.

/** Host names and ssh-config aliases, optionally user@; nothing a shell or ssh would read as more. */
export const SSH_HOST = /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9._:[\]-]+$/;

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function termuxScript(host: string, openclaw = "openclaw"): string {
  if (!SSH_HOST.test(host) || host.startsWith("-")) throw new Error(`--host must be an ssh host or alias like gateway, admin@example.com (got "${host}").`);
  return `#!/data/data/com.termux/files/usr/bin/bash
# OpenClaw auth status for Termux:Widget (made by \`openclaw auth-monitor termux-script\`).
# Install: save as ~/.shortcuts/openclaw-auth, chmod +x it, add the Termux:Widget
# widget; needs \`pkg install openssh termux-api\` and the Termux:API app, and an
# ssh key for the host (ssh-copy-id), since a widget cannot ask for a password.
# On the host, \`openclaw\` must be on the PATH of a non-interactive ssh session
# (or set OPENCLAW_BIN below to its full path).
HOST=\${OPENCLAW_SSH_HOST:-${shellQuote(host)}}
OPENCLAW_BIN=\${OPENCLAW_BIN:-${shellQuote(openclaw)}}

out=$(ssh -o BatchMode=yes -o ConnectTimeout=10 "$HOST" "$OPENCLAW_BIN models status --check" 2>&1)
rc=$?
# The profile lines of the report (ids and expiry only; models status never prints a secret).
detail=$(printf '%s\\n' "$out" | grep -E '^  - .* (expired|expiring|unknown)' | sed 's/^  - //' | head -n 3)

case $rc in
  0) title="OpenClaw auth: OK"; content="All credentials OK on $HOST"; priority=low ;;
  1) title="OpenClaw auth: EXPIRED or missing"; content="\${detail:-A credential is expired or missing}. Run on $HOST: openclaw models status"; priority=max ;;
  2) title="OpenClaw auth: expiring soon"; content="\${detail:-A credential expires within 24h}. Run on $HOST: openclaw models status"; priority=high ;;
  255) title="OpenClaw auth: $HOST unreachable"; content="ssh $HOST failed: $(printf '%s' "$out" | tail -n 1)"; priority=high ;;
  *) title="OpenClaw auth: check failed (exit $rc)"; content=$(printf '%s' "$out" | tail -n 1); priority=high ;;
esac

termux-notification --id openclaw-auth --title "$title" --content "$content" --priority "$priority"
if [ "$rc" -ne 0 ] && command -v termux-vibrate >/dev/null 2>&1; then termux-vibrate -d 300; fi
exit "$rc"
`;
}
