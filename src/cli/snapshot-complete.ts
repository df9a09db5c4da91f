/**
 * The entry of the completion snapshot (`dist/lvsh-complete.blob`), which
 * the launcher starts for `lvsh __complete` (every Tab in bash and zsh):
 * the command-line tables and the statement engine, its parser built and
 * warmed, and nothing else -- a smaller heap than the whole program's
 * snapshot (snapshot.ts) to read and deserialize on each Tab.
 */
import v8 from "node:v8";
import { answerComplete } from "./complete-args.js";
import { completeStatements } from "./complete-statements.js";
import { writeNow } from "../util/out.js";
import { settle, warmCompletion } from "./warm.js";

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  void warmCompletion();
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // node took its own options and the `--` the launcher puts before lvsh's
    const argv = process.argv.slice(1);
    settle(
      argv[0] === "__complete"
        ? answerComplete(argv.slice(1), completeStatements).then((out) => (writeNow(1, out), 0))
        : Promise.reject(new Error(`the completion snapshot answers only \`lvsh __complete\`, not \`lvsh ${argv.join(" ")}\``)),
    );
  });
}
