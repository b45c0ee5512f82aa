// Finds the first duplicate object key in JSON or JSON5 text. JSON.parse and
// JSON5.parse (and so OpenClaw) keep the last of two equal keys and drop the
// first without a word; our next write would then lose the first for good.
//
// A hand-written scanner rather than a parser library: it runs on every load of
// the store and the config (`models status --check` on each monitoring tick),
// where a full AST parser costs milliseconds to load and run, and this costs
// tens of microseconds. It only ever sees text that already parsed, so it has to
// tell tokens apart, not validate them: strings (double or single quoted, with
// escapes), comments, unquoted JSON5 keys, and everything else as "a word".

export interface DuplicateKey {
  /** The key as it decodes (`"a"`, `'a'`, `a` and `"\u0061"` are all `a`). */
  key: string;
  /** Keys (and array indices) from the top level down to the object that holds the key twice. */
  path: (string | number)[];
  /** Offset of the second occurrence in the text. */
  offset: number;
}

interface Frame {
  /** Keys seen so far; undefined for an array. */
  keys: Set<string> | undefined;
  /** This container's key (or index) in its parent; undefined at the top level. */
  name: string | number | undefined;
  /** Arrays: index of the current element. */
  index: number;
  /** Objects: the next string or word is a key. */
  expectKey: boolean;
}

// Character codes the scanner switches on.
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const COMMA = 0x2c;
const SLASH = 0x2f;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

// Everything JSON5 counts as white space (ES5 WhiteSpace and LineTerminator).
const OTHER_SPACE = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

function isSpace(code: number, text: string, at: number): boolean {
  if (code === SPACE || code === LINE_FEED || code === CARRIAGE_RETURN || code === TAB) return true;
  return code > 0x7f || code === 0x0b || code === 0x0c ? OTHER_SPACE.test(text[at]!) : false;
}

/** Index just past the string that opens at `start`. */
function stringEnd(text: string, start: number, quote: number): number {
  const quoteChar = quote === DOUBLE_QUOTE ? '"' : "'";
  let from = start + 1;
  for (;;) {
    const end = text.indexOf(quoteChar, from);
    if (end < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
    from = end + 1;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "0": "\0" };

/** A string's contents with JSON and JSON5 escapes decoded. */
function decodeString(raw: string): string {
  if (!raw.includes("\\")) return raw;
  return raw.replace(/\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\n\r\u2028\u2029])|([^]))/g, (_match, u, x, lineBreak, other: string) => {
    if (u) return String.fromCharCode(parseInt(u, 16));
    if (x) return String.fromCharCode(parseInt(x, 16));
    if (lineBreak) return ""; // a JSON5 line continuation
    return Object.hasOwn(SIMPLE_ESCAPES, other) ? SIMPLE_ESCAPES[other]! : other;
  });
}

/** An unquoted JSON5 key; it may spell characters as `\uXXXX`. */
function decodeIdentifier(raw: string): string {
  return raw.includes("\\") ? raw.replace(/\\u([0-9a-fA-F]{4})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw;
}

/** Index just past a comment that starts at `start` (a `/`). */
function commentEnd(text: string, start: number): number {
  if (text.charCodeAt(start + 1) === SLASH) {
    const newline = text.slice(start).search(/[\n\r\u2028\u2029]/);
    return newline < 0 ? text.length : start + newline;
  }
  const close = text.indexOf("*/", start + 2);
  return close < 0 ? text.length : close + 2;
}

/** Index just past a run of characters that is not structure, a string, a comment or space. */
function wordEnd(text: string, start: number): number {
  let i = start;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    switch (code) {
      case COMMA:
      case COLON:
      case OPEN_BRACKET:
      case CLOSE_BRACKET:
      case OPEN_BRACE:
      case CLOSE_BRACE:
      case DOUBLE_QUOTE:
      case SINGLE_QUOTE:
      case SLASH:
        return i;
      default:
        if (isSpace(code, text, i)) return i;
    }
  }
  return i;
}

/** The first key that appears twice in one object, or undefined. `text` must already have parsed as JSON or JSON5. */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let lastKey: string | undefined;
  const open = (isObject: boolean) => {
    const parent = stack[stack.length - 1];
    const name = parent === undefined ? undefined : parent.keys ? lastKey : parent.index;
    stack.push({ keys: isObject ? new Set() : undefined, name, index: 0, expectKey: isObject });
  };
  /** Records a key of the innermost object; returns the duplicate if it was there already. */
  const sawKey = (frame: Frame, key: string, offset: number): DuplicateKey | undefined => {
    frame.expectKey = false;
    lastKey = key;
    if (!frame.keys!.has(key)) {
      frame.keys!.add(key);
      return undefined;
    }
    return { key, path: stack.slice(1).map((entry) => entry.name!), offset };
  };

  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    switch (code) {
      case OPEN_BRACE:
      case OPEN_BRACKET:
        open(code === OPEN_BRACE);
        i++;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        stack.pop();
        i++;
        break;
      case COMMA: {
        const top = stack[stack.length - 1];
        if (top?.keys) top.expectKey = true;
        else if (top) top.index++;
        i++;
        break;
      }
      case COLON:
        i++;
        break;
      case DOUBLE_QUOTE:
      case SINGLE_QUOTE: {
        const end = stringEnd(text, i, code);
        const top = stack[stack.length - 1];
        if (top?.keys && top.expectKey) {
          const duplicate = sawKey(top, decodeString(text.slice(i + 1, end - 1)), i);
          if (duplicate) return duplicate;
        }
        i = end;
        break;
      }
      case SLASH:
        i = commentEnd(text, i);
        break;
      default: {
        if (isSpace(code, text, i)) {
          i++;
          break;
        }
        const end = wordEnd(text, i);
        const top = stack[stack.length - 1];
        if (top?.keys && top.expectKey) {
          const duplicate = sawKey(top, decodeIdentifier(text.slice(i, end)), i);
          if (duplicate) return duplicate;
        }
        i = end;
      }
    }
  }
  return undefined;
}
