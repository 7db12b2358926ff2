import * as core from '@actions/core';
import { z } from 'zod';
import { InputError } from '@mlship/errors';

/** `reportPath` -> `report-path`: action inputs are kebab-case, schemas camelCase. */
export function inputName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Reads every input the schema names and parses them once at the boundary.
 * Empty inputs are passed as undefined so schema defaults apply; the runner
 * does not enforce `required: true`, the schema does.
 */
export function readInputs<S extends z.ZodObject>(schema: S): z.infer<S> {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = core.getInput(inputName(key));
    raw[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const given = raw[key];
    const what = given === undefined ? 'is required' : `'${given}' is invalid: ${issue.message}`;
    throw new InputError(`input '${inputName(key)}' ${what}; set it in the step's 'with:' block`);
  }
  return parsed.data;
}
