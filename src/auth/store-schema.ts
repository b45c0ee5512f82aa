// auth-profiles.json (spec §1.3), as one zod schema. Objects are loose so that
// fields we do not know (newer OpenClaw, provider extras) survive a rewrite.
import * as z from "zod/mini";

export const CREDENTIAL_TYPES = ["api_key", "token", "oauth"] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

// Shared leaf schemas: cheaper to build than one per field (status start-up).
const provider = z.string().check(z.minLength(1));
const timestamp = z.number();
const optStr = z.optional(z.string());
const optTimestamp = z.optional(timestamp);

export const SecretRefSchema = z.strictObject({
  source: z.enum(["env", "file", "exec"]),
  provider: z.string(),
  id: z.string(),
});

export const ApiKeyCredentialSchema = z.looseObject({
  type: z.literal("api_key"),
  provider,
  key: optStr,
  keyRef: z.optional(SecretRefSchema),
  email: optStr,
  metadata: z.optional(z.record(z.string(), z.string())),
});

export const TokenCredentialSchema = z.looseObject({
  type: z.literal("token"),
  provider,
  token: optStr,
  tokenRef: z.optional(SecretRefSchema),
  expires: optTimestamp,
  email: optStr,
});

export const OAuthCredentialSchema = z.looseObject({
  type: z.literal("oauth"),
  provider,
  access: optStr,
  refresh: optStr,
  expires: optTimestamp,
  email: optStr,
  clientId: optStr,
  accountId: optStr,
  projectId: optStr,
  enterpriseUrl: optStr,
});

export const CredentialSchema = z.discriminatedUnion("type", [
  ApiKeyCredentialSchema,
  TokenCredentialSchema,
  OAuthCredentialSchema,
]);

export const UsageStatsSchema = z.looseObject({
  lastUsed: optTimestamp,
  cooldownUntil: optTimestamp,
  disabledUntil: optTimestamp,
  disabledReason: optStr,
  errorCount: z.optional(z.number()),
  failureCounts: z.optional(z.record(z.string(), z.number())),
  lastFailureAt: optTimestamp,
});

export const AuthStoreSchema = z.looseObject({
  version: z.number(),
  profiles: z.record(z.string(), CredentialSchema),
  order: z.optional(z.record(z.string(), z.array(z.string()))),
  lastGood: z.optional(z.record(z.string(), z.string())),
  usageStats: z.optional(z.record(z.string(), UsageStatsSchema)),
});

export type SecretRef = z.infer<typeof SecretRefSchema>;
export type ApiKeyCredential = z.infer<typeof ApiKeyCredentialSchema>;
export type TokenCredential = z.infer<typeof TokenCredentialSchema>;
export type OAuthCredential = z.infer<typeof OAuthCredentialSchema>;
export type Credential = z.infer<typeof CredentialSchema>;
export type UsageStats = z.infer<typeof UsageStatsSchema>;
export type AuthStore = z.infer<typeof AuthStoreSchema>;
