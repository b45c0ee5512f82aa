// Why an upstream request failed, in OpenClaw 2026.2.26's words (spec §1.3
// AuthProfileFailureReason). Stored as keys of usageStats.failureCounts and as
// disabledReason, so the spelling is part of the file format.
export type FailureReason = "auth" | "auth_permanent" | "format" | "rate_limit" | "billing" | "timeout" | "model_not_found" | "unknown";
