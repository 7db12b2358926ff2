// The profile of one categorical column already in memory, such as the
// classes a model decided: no engine pass, because a categorical column's
// counts are exact from its codes alone (its top values are complete under
// their capacity, and then so is its distinct count).
import { CategoricalProfiler } from './column-profilers.ts';
import { PROFILE_SCHEMA_VERSION, type Profile } from './profile-schema.ts';

/** `codes[i]` indexes `dictionary`; -1 is a null. */
export function profileCategories(name: string, codes: Int32Array, dictionary: readonly string[]): Profile {
  const profiler = new CategoricalProfiler(name);
  profiler.update({ kind: 'categorical', codes, dictionary: [...dictionary] }, codes.length);
  return { schemaVersion: PROFILE_SCHEMA_VERSION, rowCount: codes.length, columns: [profiler.finish()] };
}
