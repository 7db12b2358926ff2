// Expectations files, through the one settings-file loader: every error names
// the file, line and column of the offending key or value.
import { parseConfigFile, readConfigFile, type ConfigFile } from '@mlship/config-file';
import { ExpectationsSchema, type Expectations } from './expectations-schema.ts';

const HELP = 'see docs/data.md#expectations';

export interface LoadedExpectations {
  expectations: Expectations;
  file: string;
  /** The 1-based line of a check, by path such as `columns.age.between`. */
  lineOf(path: readonly (string | number)[]): number;
}

export function parseExpectations(text: string, file: string): LoadedExpectations {
  return loaded(parseConfigFile(ExpectationsSchema, text, file, { help: HELP }));
}

/** `file` is the name the user gave, when `path` is resolved from it. */
export async function readExpectations(path: string, file = path): Promise<LoadedExpectations> {
  return loaded(await readConfigFile(ExpectationsSchema, path, { what: 'expectations', file, help: HELP }));
}

function loaded(file: ConfigFile<Expectations>): LoadedExpectations {
  return { expectations: file.value, file: file.file, lineOf: (path) => file.positionOf(path).line };
}
