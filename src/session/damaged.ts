/** A file of the state directory that cannot be used, as the diagnostic every front end shows. */
import { error, type Diagnostic } from "../lang/index.js";
import type { StateFileError } from "../util/index.js";

export function stateDamaged(e: StateFileError): Diagnostic {
  return error("state-damaged", e.message, undefined, { hint: `${e.hint ? `${e.hint}; ` : ""}nothing was planned from it` });
}
