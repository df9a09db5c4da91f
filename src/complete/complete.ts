/**
 * Completion of lvsh statements in the interactive shell (and in the
 * engine behind bash and zsh's Tab when a value is asked for): the
 * statement's completion (statement.ts) on the parser's grammar table and
 * lexer; values from the candidate, the running state, the hosts'
 * interfaces and the revisions.
 */
import { assistTable, getLexer, helpTopics } from "../lang/index.js";
import type { Config, Context, State } from "../model/index.js";
import { completeStatement, type Completion, type Tok } from "./statement.js";
import { valueItems, type ValueSources } from "./values.js";

export type { Completion, Item } from "./statement.js";

export interface CompletionContext extends ValueSources {
  readonly config: Config;
  readonly context: Context;
  readonly running?: State;
}

/** The lexer's tokens (its errors aside: Tab completes what it can). */
function lex(text: string): Tok[] {
  return getLexer()
    .tokenize(text)
    .tokens.map((t) => ({ image: t.image, type: t.tokenType.name }));
}

export function complete(text: string, cursor: number, ctx: CompletionContext): Completion {
  // ctx's own fields and getters as they are (a spread would read a lazy config), with help's topics
  const sources: CompletionContext = ctx.helpTopics ? ctx : Object.assign(Object.create(ctx) as CompletionContext, { helpTopics });
  return completeStatement(text, cursor, { table: assistTable(), lex, values: (ruleStack, preceding, partial) => valueItems(ruleStack, preceding, partial, sources) });
}
