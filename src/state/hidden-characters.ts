// Ids (profile ids above all) must read as what they are. Control characters
// and bidirectional-override marks let one id look like another on a terminal
// ("openai:\u202Ekrow" prints as "openai:work"), or break the line they are
// printed on; so ids containing them are refused wherever they enter, and any
// message that names such an id shows those characters escaped.

// C0 and C1 controls (with DEL), the Arabic letter mark, LRM/RLM, the
// embeddings and overrides (LRE RLE PDF LRO RLO) and the isolates (LRI RLI FSI PDI).
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HIDDEN_ALL = new RegExp(HIDDEN.source, "g");

export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

const hex = (char: string) => char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");

/** `text` with each hidden character written as `\uXXXX`, safe to print. */
export function escapeHiddenCharacters(text: string): string {
  return text.replace(HIDDEN_ALL, (char) => `\\u${hex(char)}`);
}

/**
 * Why a profile id is refused, e.g. `profile id "openai:\u202Ekrow" in profiles
 * contains a control or bidirectional-override character (U+202E) …`; undefined
 * when it is fine. `where` says where the id was found.
 */
export function hiddenCharactersProblem(id: string, where?: string): string | undefined {
  const found = id.match(HIDDEN_ALL);
  if (!found) return undefined;
  const codes = [...new Set(found)].map((char) => `U+${hex(char)}`).join(", ");
  const place = where === undefined ? "" : ` in ${escapeHiddenCharacters(where)}`;
  return `profile id "${escapeHiddenCharacters(id)}"${place} contains a control or bidirectional-override character (${codes}), which can make it look like another id or break the line it is printed on`;
}
