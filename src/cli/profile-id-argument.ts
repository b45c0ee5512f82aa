// A profile id typed on the command line (`logout <id>`, `order set <ids…>`,
// `--profile-id`): trimmed, and refused before anything is read or written when
// it hides characters that make it look like another id (see hidden-characters.ts).
import { hiddenCharactersProblem } from "../state/hidden-characters.ts";
import { UsageError } from "./errors.ts";

export function profileIdArgument(raw: string): string {
  const id = raw.trim();
  const problem = hiddenCharactersProblem(id);
  if (problem) throw new UsageError(`${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`, "Type the profile id with visible characters only, e.g. openai:work.");
  return id;
}
