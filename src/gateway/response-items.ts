// The output items of recent Responses answers that the gateway itself wrote
// (translated from another API), so that a client's `item_reference` to one of
// them can be served. OpenAI's Responses API stores items by default
// (`store: true`), and clients lean on that: the Vercel AI SDK's default
// openai(model) sends a reference, not the item, for text the model said
// before a tool call. We keep no conversations (previous_response_id is still
// a 400); only the items of our own answers, in memory, bounded, for a while.
// A reference we do not know is left alone: a Responses provider of OpenAI's
// may know it (its own ids); the adapter refuses it for any other provider.

interface Kept {
  item: Record<string, unknown>;
  bytes: number;
}

/** Items kept at most, and their JSON size at most: a few hundred long conversations. */
const DEFAULT_LIMITS = { items: 20_000, bytes: 64 * 1024 * 1024 };

export class ResponseItemMemory {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;

  constructor(private readonly limits = DEFAULT_LIMITS) {}

  /** Keeps the output items of an answer (those with an id), newest last; the oldest go first. */
  remember(output: readonly unknown[]): void {
    for (const item of output) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
      const id = (item as Record<string, unknown>).id;
      if (typeof id !== "string" || !id) continue;
      const bytes = JSON.stringify(item).length;
      if (bytes > this.limits.bytes) continue;
      this.forget(id);
      this.kept.set(id, { item: item as Record<string, unknown>, bytes });
      this.bytes += bytes;
    }
    for (const id of this.kept.keys()) {
      if (this.kept.size <= this.limits.items && this.bytes <= this.limits.bytes) break;
      this.forget(id);
    }
  }

  /**
   * The input with every reference to a kept item replaced by the item, or
   * undefined when it refers to none (then the request stays as the client sent it).
   */
  resolve(input: unknown): unknown[] | undefined {
    if (!Array.isArray(input) || this.kept.size === 0) return undefined;
    let resolved: unknown[] | undefined;
    for (let index = 0; index < input.length; index++) {
      const entry = input[index] as Record<string, unknown> | null;
      if (entry === null || typeof entry !== "object" || entry.type !== "item_reference" || typeof entry.id !== "string") continue;
      const kept = this.kept.get(entry.id);
      if (!kept) continue;
      resolved ??= input.slice();
      resolved[index] = kept.item;
    }
    return resolved;
  }

  private forget(id: string): void {
    const kept = this.kept.get(id);
    if (!kept) return;
    this.kept.delete(id);
    this.bytes -= kept.bytes;
  }
}

/** Whether an answer to this Responses request may be referred to later (OpenAI's default is to store it). */
export function storesItems(body: Record<string, unknown>): boolean {
  return body.store !== false;
}
