export { complete, type Completion, type CompletionContext, type Item } from "./complete.js";
export type { ValueSources } from "./values.js";
export { candidatesOf, completeStatement, type StatementSources, type Tok } from "./statement.js";
