// Parsing JSON and JSON5 text with errors that name a line and column but never
// quote the file's content (a snippet could hold a secret).

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
  constructor(reason: string, position: TextPosition | undefined) {
    super(position ? `${reason} at line ${position.line}, column ${position.column}` : reason);
    this.reason = reason;
    this.position = position;
  }
}

/** Strict JSON (what OpenClaw's own reader accepts), e.g. auth-profiles.json. */
export async function parseJsonText(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw await describeJsonError(text, error as Error);
  }
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
    await parseJson5Text(text);
    return new TextParseError(`${reason} (JSON5 syntax such as comments or trailing commas is not allowed here)`, undefined);
  } catch (json5Error) {
    return new TextParseError(reason, json5Error instanceof TextParseError ? json5Error.position : undefined);
  }
}

/** JSON5 (openclaw.json). The parser is only loaded for files that are not plain JSON. */
export async function parseJson5Text(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    // not plain JSON: fall through to the JSON5 parser
  }
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
