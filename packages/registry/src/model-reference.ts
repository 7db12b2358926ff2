// The one grammar for naming a model version, used by the CLI, the actions and
// validate: `NAME@vX.Y.Z` (or `NAME@X.Y.Z`), `NAME@STAGE`, GTO's `NAME#STAGE`,
// and `NAME@latest` (GTO's `@greatest` too) for the highest version.
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { modelNameProblem, stageNameProblem, versionProblem } from './tag-grammar.ts';
import { quoteInput } from './quote-input.ts';

/** What a reference points at: a stage, an exact version, or the highest version. */
export type ModelReference =
  | { name: string; kind: 'stage'; stage: string }
  | { name: string; kind: 'version'; version: string }
  | { name: string; kind: 'latest' };

export type ModelReferenceParse = { success: true; data: ModelReference } | { success: false; error: string };

const FORMS = 'NAME@STAGE, NAME#STAGE, NAME@vX.Y.Z or NAME@latest, e.g. churn@prod';

/** Parses a reference, or says in one line (quoting the text) why it is not one. */
export function safeParseModelReference(text: string): ModelReferenceParse {
  const fail = (error: string): ModelReferenceParse => ({ success: false, error });
  // Neither names nor targets contain '@' or '#': exactly one separates them.
  const separators = [...text].filter((c) => c === '@' || c === '#').length;
  const split = Math.max(text.indexOf('@'), text.indexOf('#'));
  if (separators !== 1 || split <= 0 || split === text.length - 1) return fail(`${quoteInput(text)} must be ${FORMS}`);
  const name = text.slice(0, split);
  const target = text.slice(split + 1);
  const nameProblem = modelNameProblem(name);
  if (nameProblem) return fail(nameProblem);
  if (text[split] === '@') {
    if (target === 'latest' || target === 'greatest') return { success: true, data: { name, kind: 'latest' } };
    if (/^v?\d/.test(target)) {
      const problem = versionProblem(target);
      if (problem) return fail(problem);
      return {
        success: true,
        data: { name, kind: 'version', version: target.startsWith('v') ? target : `v${target}` },
      };
    }
  } else if (/^v?\d+\.\d/.test(target)) {
    return fail(`${quoteInput(text)}: '#' names a stage; write a version as ${quoteInput(`${name}@${target}`)}`);
  }
  const stageProblem = stageNameProblem(target);
  if (stageProblem) return fail(stageProblem);
  return { success: true, data: { name, kind: 'stage', stage: target } };
}

/** Parses a reference or throws an InputError naming the input. */
export function parseModelReference(text: string, input = 'reference'): ModelReference {
  const parsed = safeParseModelReference(text);
  if (!parsed.success) throw new InputError(`${input} ${parsed.error}`);
  return parsed.data;
}

/** A string field holding a reference, parsed into a ModelReference. */
export const ModelReferenceSchema = z.string().transform((text, ctx): ModelReference => {
  const parsed = safeParseModelReference(text);
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

export function formatModelReference(ref: ModelReference): string {
  if (ref.kind === 'stage') return `${ref.name}@${ref.stage}`;
  if (ref.kind === 'version') return `${ref.name}@${ref.version}`;
  return `${ref.name}@latest`;
}
