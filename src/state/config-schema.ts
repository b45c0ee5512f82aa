// The one schema for openclaw.json (spec §2). Sections we use are typed; every
// object stays open so a config written by OpenClaw (channels, plugins, …) loads.
// Sections are built lazily and primitives shared: `models status` runs on
// every monitoring tick, and only pays for the sections a config has.
import * as z from "zod/mini";

const str = z.string();
const optStr = z.optional(str);
const optNum = z.optional(z.number());
const optBool = z.optional(z.boolean());
const nonEmpty = z.string().check(z.minLength(1));
const stringList = z.array(str);

export const ModelSelectionSchema = z.union([str, z.looseObject({ primary: optStr, fallbacks: z.optional(stringList) })]);

export const AUTH_MODES = ["api_key", "oauth", "token"] as const;

const AgentsSchema = z.lazy(() =>
  z.looseObject({
    defaults: z.optional(
      z.looseObject({
        model: z.optional(ModelSelectionSchema),
        imageModel: z.optional(ModelSelectionSchema),
        models: z.optional(z.record(str, z.looseObject({ alias: optStr, params: z.optional(z.record(str, z.unknown())) }))),
      }),
    ),
    list: z.optional(
      z.array(z.looseObject({ id: nonEmpty, default: optBool, name: optStr, agentDir: optStr, model: z.optional(ModelSelectionSchema) })),
    ),
    // OpenClaw 2026.9 keys its agents by id instead of listing them.
    entries: z.optional(z.record(str, z.looseObject({ default: optBool, name: optStr, agentDir: optStr, model: z.optional(ModelSelectionSchema) }))),
  }),
);

const AuthSchema = z.lazy(() =>
  z.looseObject({
    profiles: z.optional(z.record(str, z.looseObject({ provider: nonEmpty, mode: z.enum(AUTH_MODES), email: optStr }))),
    order: z.optional(z.record(str, stringList)),
    cooldowns: z.optional(
      z.looseObject({
        billingBackoffHours: optNum,
        billingBackoffHoursByProvider: z.optional(z.record(str, z.number())),
        billingMaxHours: optNum,
        failureWindowHours: optNum,
      }),
    ),
  }),
);

const EnvSchema = z.lazy(() =>
  z.catchall(
    z.object({
      shellEnv: z.optional(z.looseObject({ enabled: optBool, timeoutMs: z.optional(z.number().check(z.positive())) })),
      vars: z.optional(z.record(str, str)),
    }),
    str,
  ),
);

export const ProviderConfigSchema = z.looseObject({
  baseUrl: optStr,
  api: optStr,
  apiKey: optStr,
  auth: z.optional(z.enum(["api-key", "aws-sdk", "oauth", "token"])),
  headers: z.optional(z.record(str, str)),
  models: z.optional(
    z.array(
      z.looseObject({
        id: nonEmpty,
        name: optStr,
        input: z.optional(z.array(z.enum(["text", "image"]))),
        contextWindow: optNum,
        maxTokens: optNum,
        reasoning: optBool,
      }),
    ),
  ),
});

const ModelsSchema = z.lazy(() => z.looseObject({ providers: z.optional(z.record(str, ProviderConfigSchema)) }));

const positiveInt = z.optional(z.number().check(z.int(), z.positive()));

const GatewaySchema = z.lazy(() =>
  z.looseObject({
    port: z.optional(z.number().check(z.int(), z.gte(1), z.lte(65535))),
    bind: optStr,
    auth: z.optional(z.looseObject({ mode: optStr, token: optStr })),
    // Our extensions (docs/gateway.md): OpenClaw 2026.2.26 does not know them.
    maxBodyBytes: positiveInt,
    connectTimeoutMs: positiveInt,
    upstreamTimeoutMs: positiveInt,
    shutdownGraceMs: positiveInt,
    maxResponseBytes: positiveInt,
    maxSseLineBytes: positiveInt,
    maxConnections: positiveInt,
    headersTimeoutMs: positiveInt,
    requestTimeoutMs: positiveInt,
    keepAliveTimeoutMs: positiveInt,
    // Chat sessions (docs/chat.md): where a session key comes from besides x-openclaw-session-key.
    sessions: z.optional(z.looseObject({ keyFrom: z.optional(z.enum(["header", "user"])) })),
  }),
);

export const ConfigSchema = z.looseObject({
  meta: z.optional(z.looseObject({ lastTouchedVersion: optStr, lastTouchedAt: optStr })),
  env: z.optional(EnvSchema),
  auth: z.optional(AuthSchema),
  agents: z.optional(AgentsSchema),
  models: z.optional(ModelsSchema),
  gateway: z.optional(GatewaySchema),
  // Our extension (docs/scale-out.md): shared state on Redis. OpenClaw does not know it.
  state: z.optional(z.looseObject({ url: optStr })),
});

export type OpenClawConfig = z.infer<typeof ConfigSchema>;
export type ModelSelection = z.infer<typeof ModelSelectionSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
export type AuthMode = (typeof AUTH_MODES)[number];
