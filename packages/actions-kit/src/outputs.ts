import * as core from '@actions/core';
import { inputName } from './inputs.ts';

/** Sets step outputs in one place; keys are camelCase, outputs kebab-case like inputs. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [key, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(inputName(key), String(value));
  }
}

/** A warning annotation: the step goes on. */
export function warning(message: string): void {
  core.warning(message);
}
