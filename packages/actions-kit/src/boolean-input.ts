// A boolean input, spelled as @actions/core's getBooleanInput accepts it: the
// YAML 1.2 core schema's booleans. Anything else ('yes', '1', 'on') is refused
// rather than read as false, since YAML 1.1 habits would silently turn a
// setting off. Its own module (zod only), so the packages whose input schemas
// use it do not load @actions/core.
import { z } from 'zod';

const SPELLINGS = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'] as const;

export const BooleanInput = z
  .enum(SPELLINGS, { error: 'expected true or false (true, True, TRUE, false, False or FALSE)' })
  .transform((value) => value.toLowerCase() === 'true');
