// A same-format request goes upstream as the client's own bytes (DESIGN §5:
// parsing and re-serialising a 100 KB body cost more than everything else the
// gateway does): only the top-level `model` value is replaced, at its exact
// byte position, and only when it differs from what the provider needs. The
// body has already been parsed (and checked) as JSON, so this only finds the
// top-level keys: strings are skipped with indexOf, nested values by counting
// brackets outside strings. Anything unusual (invalid UTF-8, which JSON.parse
// would have replaced with U+FFFD; a top-level `model` given twice, where
// parsers disagree on which one counts) returns undefined, and the caller
// serialises the parsed body as before.
import { isUtf8 } from "node:buffer";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The index of the quote that closes the string whose content starts at `from`. */
function stringEnd(bytes: Buffer, from: number): number {
  let end = bytes.indexOf(QUOTE, from);
  for (;;) {
    if (end < 0) return -1;
    let slashes = 0;
    while (bytes[end - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
    end = bytes.indexOf(QUOTE, end + 1);
  }
}

/** Whether the key whose bytes are `[start, end)` (without quotes) reads "model", escapes and all. */
function isModelKey(bytes: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length === 5) return bytes[start] === 0x6d && bytes.toString("latin1", start, end) === "model";
  // "mod\u0065l" and the like: rare, so decoded the slow way.
  const slash = bytes.indexOf(BACKSLASH, start);
  if (length < 5 || slash < 0 || slash >= end) return false;
  try {
    return JSON.parse(bytes.toString("utf8", start - 1, end + 1)) === "model";
  } catch {
    return false;
  }
}

/** Where the top-level `model` value sits: [start, end) of its bytes; `open` is just after the top-level `{`. */
interface ModelSlot {
  open: number;
  start: number;
  end: number;
  found: boolean;
}

/** Finds the one top-level `model` value; undefined when there is more than one (or the text is not an object). */
function findModelSlot(bytes: Buffer): ModelSlot | undefined {
  let i = 0;
  const length = bytes.length;
  while (i < length && isSpace(bytes[i]!)) i++;
  if (bytes[i] !== OPEN_BRACE) return undefined;
  const slot: ModelSlot = { open: i + 1, start: -1, end: -1, found: false };
  let depth = 1;
  let expectKey = true;
  /** Inside the value of the top-level model key: where it ends is the next top-level `,` or `}`. */
  let inModel = false;
  let lastValueByte = -1;
  i++;
  while (i < length) {
    const byte = bytes[i]!;
    if (byte === QUOTE) {
      const end = stringEnd(bytes, i + 1);
      if (end < 0) return undefined;
      if (depth === 1 && expectKey) {
        expectKey = false;
        if (isModelKey(bytes, i + 1, end)) {
          if (slot.found) return undefined;
          slot.found = true;
          inModel = true;
          slot.start = -1;
        }
      } else if (inModel) {
        if (slot.start < 0) slot.start = i;
        lastValueByte = end;
      }
      i = end + 1;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) {
        if (inModel) slot.end = lastValueByte + 1;
        return slot;
      }
    } else if (byte === COMMA && depth === 1) {
      if (inModel) {
        slot.end = lastValueByte + 1;
        inModel = false;
      }
      expectKey = true;
      i++;
      continue;
    } else if (byte === COLON && depth === 1) {
      i++;
      continue;
    }
    if (inModel && !isSpace(byte)) {
      if (slot.start < 0) slot.start = i;
      lastValueByte = i;
    }
    i++;
  }
  return undefined;
}

/**
 * The client's body with its top-level `model` set to `model` (inserted first
 * when the client sent none): the same bytes but for that value. `parsed` is
 * the same body as JSON.parse read it. Undefined when the bytes cannot be
 * forwarded faithfully; then the caller serialises `parsed` instead.
 */
export function withModel(bytes: Buffer, parsed: Record<string, unknown>, model: string): Buffer | undefined {
  if (!isUtf8(bytes)) return undefined;
  const slot = findModelSlot(bytes);
  if (!slot) return undefined;
  if (slot.found && parsed.model === model) return bytes;
  const value = JSON.stringify(model);
  if (slot.found) {
    if (slot.start < 0 || slot.end <= slot.start) return undefined;
    return Buffer.concat([bytes.subarray(0, slot.start), Buffer.from(value, "utf8"), bytes.subarray(slot.end)]);
  }
  // No model at all: put one first; a comma after it unless the object is empty.
  let next = slot.open;
  while (next < bytes.length && isSpace(bytes[next]!)) next++;
  const head = Buffer.from(bytes[next] === CLOSE_BRACE ? `"model":${value}` : `"model":${value},`, "utf8");
  return Buffer.concat([bytes.subarray(0, slot.open), head, bytes.subarray(slot.open)]);
}
