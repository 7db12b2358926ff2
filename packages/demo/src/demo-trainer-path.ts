// Where the demo team's training command is, for `mlship demo` to run it as
// the train step runs a team's command: in its own process.
import { fileURLToPath } from 'node:url';

export const DEMO_TRAINER = fileURLToPath(new URL('./penguins-trainer.ts', import.meta.url));
