// Reading (not verifying) claims of a JWT we just received from the token
// endpoint over TLS: the OpenAI account id and an id_token's email.
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return payload !== null && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** OpenAI Codex (spec §4.2): claim `https://api.openai.com/auth` → `chatgpt_account_id`. */
export function openAICodexAccountId(accessToken: string): string | undefined {
  const auth = decodeJwtPayload(accessToken)?.["https://api.openai.com/auth"];
  if (auth === null || typeof auth !== "object") return undefined;
  const id = (auth as Record<string, unknown>)["chatgpt_account_id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}

export function emailFromIdToken(idToken: string): string | undefined {
  const email = decodeJwtPayload(idToken)?.["email"];
  return typeof email === "string" && email.includes("@") ? email : undefined;
}
