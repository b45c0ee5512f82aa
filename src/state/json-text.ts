// Parsing JSON and JSON5 text with errors that name a line and column but never
// quote the file's content (a snippet could hold a secret). What a parser would
// change silently is an error too: a key written twice in one object (both
// parsers keep the second), and in strict JSON a number too large to represent.
import { findDuplicateKey } from "./duplicate-keys.ts";
import { escapeHiddenCharacters } from "./hidden-characters.ts";
import { findJsonLoss } from "./json-losses.ts";
import { describeType, expectedNumber, formatKeyPath } from "./schema-errors.ts";

export interface TextPosition {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export class TextParseError extends Error {
  readonly position: TextPosition | undefined;
  readonly reason: string;
  constructor(reason: string, position: TextPosition | undefined, note?: string) {
    super((position ? `${reason} at line ${position.line}, column ${position.column}` : reason) + (note ? ` ${note}` : ""));
    this.reason = reason;
    this.position = position;
  }
}

/** The text parses, but as written it cannot be kept: reading it would change or lose something. */
export class JsonContentError extends TextParseError {}

/** One object has a key twice. */
export class DuplicateKeyError extends JsonContentError {
  readonly key: string;
  constructor(key: string, path: (string | number)[], position: TextPosition) {
    const where = path.length === 0 ? "at the top level" : `in ${formatKeyPath(path)}`;
    super(escapeHiddenCharacters(`duplicate key ${JSON.stringify(key)} ${where}`), position, "(the second one would silently replace the first)");
    this.key = key;
  }
}

/** A number reads as infinity (`1e999`); it would be written back as null. */
export class NonFiniteNumberError extends JsonContentError {
  constructor(path: (string | number)[], value: number) {
    super(escapeHiddenCharacters(`${formatKeyPath(path)}: expected ${expectedNumber(path)}, got ${describeType(value)}`), undefined);
  }
}

function throwDuplicateKey(text: string): void {
  const duplicate = findDuplicateKey(text);
  if (duplicate) throw new DuplicateKeyError(duplicate.key, duplicate.path, positionAt(text, duplicate.offset));
}

/** Strict JSON: a cheap pass decides; the scanner runs only to say which key was duplicated, and where. */
function refuseJsonLoss(text: string, parsed: unknown): void {
  const loss = findJsonLoss(text, parsed);
  if (loss?.kind === "duplicate-key") throwDuplicateKey(text);
  else if (loss?.kind === "non-finite-number") throw new NonFiniteNumberError(loss.path, loss.value);
}

/** Strict JSON (what OpenClaw's own reader accepts), e.g. auth-profiles.json. */
export async function parseJsonText(text: string): Promise<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw await describeJsonError(text, error as Error);
  }
  refuseJsonLoss(text, value);
  return value;
}

async function describeJsonError(text: string, error: Error): Promise<TextParseError> {
  const message = error.message;
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (at) return new TextParseError(`invalid JSON: ${lowerFirst(at[1]!)}`, positionAt(text, Number(at[2])));
  if (/Unexpected end of JSON input/.test(message)) {
    return new TextParseError(text.trim() === "" ? "the file is empty" : "invalid JSON: unexpected end of input", positionAt(text, text.length));
  }
  // V8's "Unexpected token 'x', "<snippet>" is not valid JSON" has no position
  // and quotes content: keep only the token, and ask JSON5 where it is.
  const token = /^Unexpected token '(.)'/.exec(message)?.[1];
  const reason = token ? `invalid JSON: unexpected character '${token}'` : "invalid JSON";
  try {
    await parseJson5Only(text);
    return new TextParseError(`${reason} (JSON5 syntax such as comments or trailing commas is not allowed here)`, undefined);
  } catch (json5Error) {
    return new TextParseError(reason, json5Error instanceof TextParseError ? json5Error.position : undefined);
  }
}

/** JSON5 (openclaw.json). The parser is only loaded for files that are not plain JSON. */
export async function parseJson5Text(text: string): Promise<unknown> {
  let plain: { value: unknown } | undefined;
  try {
    plain = { value: JSON.parse(text) };
  } catch {
    // not plain JSON: the JSON5 parser below
  }
  if (plain) {
    refuseJsonLoss(text, plain.value);
    return plain.value;
  }
  const value = await parseJson5Only(text);
  // JSON5 writes Infinity on purpose, so only duplicates are refused here (the schema judges numbers).
  throwDuplicateKey(text);
  return value;
}

async function parseJson5Only(text: string): Promise<unknown> {
  const { default: JSON5 } = await import("json5");
  try {
    return JSON5.parse(text);
  } catch (error) {
    const e = error as Error & { lineNumber?: number; columnNumber?: number };
    if (text.trim() === "") throw new TextParseError("the file is empty", positionAt(text, 0));
    const reason = e.message.replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    throw new TextParseError(
      `invalid JSON5: ${reason}`,
      e.lineNumber !== undefined && e.columnNumber !== undefined ? { line: e.lineNumber, column: e.columnNumber } : undefined,
    );
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
