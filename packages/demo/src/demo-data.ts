// The demo's data-test inputs, made from real data (the Palmer penguins in
// vega-datasets): training data with its reference profile and expectations,
// a clean incoming batch, and a broken one (a units bug and a new island), as
// a pull request changing the data would bring.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { profileData } from '@mlship/data';
import { penguinsPath } from './penguins.ts';

export interface DemoDataFiles {
  train: string;
  referenceProfile: string;
  expectations: string;
  /** New data like the training data: passes. */
  incoming: string;
  /** 30% of body masses in kilograms and a tenth of the rows from a new island: fails. */
  incomingBroken: string;
}

// Written as a team would after reviewing 'mlship data infer': plausible
// ranges rather than the observed ones, some missing values allowed.
const EXPECTATIONS = `schemaVersion: 1
table:
  columns:
    present: [species, island, sex, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]
    ordered: true
  rowCount: { min: 50 }
  duplicateRows: true
columns:
  species: { type: string, notNull: true, inSet: [Adelie, Chinstrap, Gentoo] }
  island:
    notNull: true
    inSet: [Biscoe, Dream, Torgersen]
    newCategoryShare: { max: 0.01 }
  sex:
    notNull: { mostly: 0.9 }
    inSet: { values: [MALE, FEMALE], mostly: 0.98, severity: warn }
  bill_length_mm: { type: number, notNull: { mostly: 0.95 }, between: { min: 25, max: 70 } }
  bill_depth_mm: { type: number, notNull: { mostly: 0.95 }, between: { min: 10, max: 25 } }
  flipper_length_mm:
    type: integer
    notNull: { mostly: 0.95 }
    between: { min: 160, max: 240, severity: warn }
  body_mass_g:
    type: integer
    notNull: { mostly: 0.95 }
    between: { min: 2000, max: 7000 }
    mean: { min: 3500, max: 5000 }
`;

const FIELDS: [string, string][] = [
  ['species', 'Species'],
  ['island', 'Island'],
  ['sex', 'Sex'],
  ['bill_length_mm', 'Beak Length (mm)'],
  ['bill_depth_mm', 'Beak Depth (mm)'],
  ['flipper_length_mm', 'Flipper Length (mm)'],
  ['body_mass_g', 'Body Mass (g)'],
];

function csv(rows: Record<string, string | number | null>[]): string {
  const cell = (v: string | number | null | undefined) =>
    v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  return `${FIELDS.map(([n]) => n).join(',')}\n${rows.map((r) => FIELDS.map(([, source]) => cell(r[source])).join(',')).join('\n')}\n`;
}

export async function writeDemoData(outDir: string, source = penguinsPath()): Promise<DemoDataFiles> {
  await mkdir(outDir, { recursive: true });
  const rows = JSON.parse(await readFile(source, 'utf8')) as Record<string, string | number | null>[];
  // Every third row is new data; the rest trained the production model.
  const train = rows.filter((_, i) => i % 3 !== 0);
  const incoming = rows.filter((_, i) => i % 3 === 0);
  const broken = incoming.map((r, i): Record<string, string | number | null> => ({
    ...r,
    'Body Mass (g)':
      i % 10 < 3 && typeof r['Body Mass (g)'] === 'number' ? r['Body Mass (g)'] / 1000 : (r['Body Mass (g)'] ?? null),
    Island: i % 10 === 5 ? 'Anvers' : (r.Island ?? null),
  }));
  const files: DemoDataFiles = {
    train: join(outDir, 'train.csv'),
    referenceProfile: join(outDir, 'reference-profile.json'),
    expectations: join(outDir, 'expectations.yml'),
    incoming: join(outDir, 'incoming.csv'),
    incomingBroken: join(outDir, 'incoming-broken.csv'),
  };
  await writeFile(files.train, csv(train));
  await writeFile(files.incoming, csv(incoming));
  await writeFile(files.incomingBroken, csv(broken));
  const { profile: reference } = await profileData(files.train);
  await writeFile(files.referenceProfile, `${JSON.stringify(reference)}\n`);
  await writeFile(files.expectations, EXPECTATIONS);
  return files;
}
