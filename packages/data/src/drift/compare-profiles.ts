// Drift of current data against a reference profile. A column drifts when its
// effect size passes the method's threshold AND the difference is
// statistically detectable at these sample sizes (KS or chi-square test,
// Benjamini-Hochberg across columns): at millions of rows tiny differences are
// significant but small, at tens of rows large-looking ones are noise. The
// tests are sound at any n: exact when both data sets were at hand, otherwise
// computed from the smallest difference the profiles' counts allow, so an
// approximation is never read as significance.
import { histogramOf } from '../profile/column-profilers.ts';
import { compareSummaries } from '../sketch/rank-summary.ts';
import type { CategoricalProfile, NumericProfile, Profile } from '../profile/profile-schema.ts';
import {
  benjaminiHochberg,
  chiSquareHomogeneity,
  jensenShannonDistance,
  ksPValue,
  populationStabilityIndex,
} from './drift-statistics.ts';
import { DriftOptionsSchema, type DriftOptions, type DriftOptionsInput } from './drift-options.ts';

export interface CategoryShare {
  value: string;
  count: number;
  share: number;
}

/** Categories that appeared or vanished in one column, with their row counts. */
export interface CategoryChange {
  column: string;
  newCategories: CategoryShare[];
  newRows: number;
  vanishedCategories: CategoryShare[];
  vanishedRows: number;
}

/** How a column's p-value was reached. */
export type SignificanceTest =
  | 'ks-exact' // exact KS statistic over both data sets
  | 'ks-bounded' // KS on the smallest difference the profiles' counts allow
  | 'chi-square' // exact category counts
  | 'chi-square-bounded' // category counts beyond the top values' capacity, deviations shrunk by their error
  | 'none';

export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical';
  /** Why the column was not compared, if it was not. */
  skipped: string | null;
  method: string;
  /** The deciding effect size and its threshold. */
  effect: number;
  threshold: number;
  /** Every measure computed for the column. */
  measures: Record<string, number>;
  pValue: number;
  test: SignificanceTest;
  /** Benjamini-Hochberg adjusted p-value across compared columns. */
  qValue: number;
  drifted: boolean;
  referenceCount: number;
  currentCount: number;
  newCategories: CategoryShare[];
  newCategoryShare: number;
  vanishedCategories: CategoryShare[];
  /** Shares per bin (numeric: reference cuts; categorical: top categories), for charts. */
  bins: { labels: string[]; reference: number[]; current: number[] };
}

export interface DriftReport {
  columns: ColumnDrift[];
  comparedCount: number;
  driftedCount: number;
  driftedShare: number;
  datasetDrift: boolean;
  /** Columns of the reference absent now, and new columns. */
  missingColumns: string[];
  newColumns: string[];
  /** Everything worth reading besides drifted columns: missing columns, type changes, new and vanished categories. */
  findings: string[];
  /** The findings that make the outcome a warning (new and vanished categories are information only). */
  warnings: string[];
  /** New and vanished categories per column, with counts. */
  categoryChanges: CategoryChange[];
  options: DriftOptions;
}

/** Exact KS statistics per numeric column, when both data sets were at hand (engine/exact-counts.ts). */
export type ExactKsStatistics = ReadonlyMap<string, number>;

const MAX_CATEGORY_BINS = 20;
/** Categories listed by name per column in a finding; the rest are summarised. */
export const MAX_LISTED_CATEGORIES = 10;

export function compareProfiles(
  reference: Profile,
  current: Profile,
  input: DriftOptionsInput = {},
  exactKs: ExactKsStatistics = new Map(),
): DriftReport {
  const options = DriftOptionsSchema.parse(input);
  const currentByName = new Map(current.columns.map((c) => [c.name, c]));
  const referenceNames = new Set(reference.columns.map((c) => c.name));
  const columns: ColumnDrift[] = [];
  const warnings: string[] = [];
  for (const ref of reference.columns) {
    const cur = currentByName.get(ref.name);
    if (!cur) continue;
    if (options.ignore.includes(ref.name)) {
      columns.push(skipped(ref.name, ref.kind, 'ignored by configuration'));
    } else if (cur.count > 0 && cur.count === cur.nullCount && ref.count > ref.nullCount) {
      warnings.push(`column '${ref.name}' is entirely null now`);
      columns.push({ ...skipped(ref.name, ref.kind, 'entirely null now'), drifted: true });
    } else if (ref.kind !== cur.kind) {
      warnings.push(`column '${ref.name}' changed type: ${ref.kind} in the reference, ${cur.kind} now`);
      columns.push({ ...skipped(ref.name, ref.kind, `type changed to ${cur.kind}`), drifted: true });
    } else if (ref.kind === 'numeric') {
      // The kinds are equal here (the branch above): one side's kind decides.
      columns.push(numericDrift(ref, cur as NumericProfile, options, exactKs.get(ref.name)));
    } else {
      columns.push(categoricalDrift(ref, cur as CategoricalProfile, options));
    }
  }
  const compared = columns.filter((c) => c.skipped === null);
  const q = benjaminiHochberg(compared.map((c) => c.pValue));
  compared.forEach((c, i) => {
    c.qValue = q[i]!;
    c.drifted = c.effect >= c.threshold && c.qValue <= options.alpha;
  });
  const categoryChanges = compared.flatMap((c): CategoryChange[] =>
    c.newCategories.length + c.vanishedCategories.length > 0
      ? [
          {
            column: c.column,
            newCategories: c.newCategories,
            newRows: sum(c.newCategories.map((n) => n.count)),
            vanishedCategories: c.vanishedCategories,
            vanishedRows: sum(c.vanishedCategories.map((n) => n.count)),
          },
        ]
      : [],
  );
  const driftedCount = columns.filter((c) => c.drifted).length;
  const comparedCount = compared.length + columns.filter((c) => c.skipped !== null && c.drifted).length;
  const driftedShare = comparedCount > 0 ? driftedCount / comparedCount : 0;
  const missingColumns = reference.columns.filter((c) => !currentByName.has(c.name)).map((c) => c.name);
  for (const m of missingColumns) warnings.push(`column '${m}' of the reference is missing`);
  return {
    columns,
    comparedCount,
    driftedCount,
    driftedShare,
    // With nothing compared the share is 0, below any datasetDriftShare (the schema keeps it positive).
    datasetDrift: driftedShare >= options.datasetDriftShare,
    missingColumns,
    newColumns: current.columns.filter((c) => !referenceNames.has(c.name)).map((c) => c.name),
    findings: [...warnings, ...categoryChanges.flatMap(categoryFindings)],
    warnings,
    categoryChanges,
    options,
  };
}

function skipped(column: string, kind: 'numeric' | 'categorical', reason: string): ColumnDrift {
  return {
    column,
    kind,
    skipped: reason,
    method: '',
    effect: 0,
    threshold: 0,
    measures: {},
    pValue: 1,
    test: 'none',
    qValue: 1,
    drifted: false,
    referenceCount: 0,
    currentCount: 0,
    newCategories: [],
    newCategoryShare: 0,
    vanishedCategories: [],
    bins: { labels: [], reference: [], current: [] },
  };
}

function numericDrift(
  ref: NumericProfile,
  cur: NumericProfile,
  options: DriftOptions,
  exactKs: number | undefined,
): ColumnDrift {
  // Either side: a reference profiled before its reader knew the column for a timestamp (Parquet INT96) still says number.
  if (ref.timestamp || cur.timestamp) return skipped(ref.name, 'numeric', 'timestamp column (time moves on)');
  if (ref.finiteCount === 0 || cur.finiteCount === 0)
    return skipped(ref.name, 'numeric', 'no finite values to compare');
  const cuts = ref.histogram?.cuts ?? [];
  const refCounts = ref.histogram?.counts ?? [ref.finiteCount];
  // The current bins at the reference's cuts, from the current summary: exact where it counted at the cuts,
  // as a profile made against the reference did (its own histogram is this same function of the same summary).
  const curCounts = histogramOf(cur.quantileSummary, cuts)!.counts;
  const distance = compareSummaries(ref.quantileSummary, cur.quantileSummary);
  const sigma = ref.stdev ?? 0;
  const ks = exactKs ?? distance.ks;
  const measures = {
    psi: populationStabilityIndex(refCounts, curCounts),
    ks,
    wasserstein: sigma > 0 ? distance.wasserstein / sigma : distance.wasserstein > 0 ? Number.POSITIVE_INFINITY : 0,
    jensenShannon: jensenShannonDistance(refCounts, curCounts),
  };
  const method = options.numericMethod;
  const key = method === 'jensen-shannon' ? 'jensenShannon' : method;
  const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const labels =
    cuts.length === 0
      ? ['all']
      : [
          `<= ${fmt(cuts[0]!)}`,
          ...cuts.slice(1).map((c, i) => `(${fmt(cuts[i]!)}, ${fmt(c)}]`),
          `> ${fmt(cuts.at(-1)!)}`,
        ];
  return {
    column: ref.name,
    kind: 'numeric',
    skipped: null,
    method,
    effect: measures[key],
    threshold: options.thresholds[key],
    measures,
    pValue: ksPValue(exactKs ?? distance.ksLowerBound, ref.finiteCount, cur.finiteCount),
    test: exactKs !== undefined ? 'ks-exact' : 'ks-bounded',
    qValue: 1,
    // Stryker disable next-line BooleanLiteral: compareProfiles sets the verdict of every compared column
    drifted: false,
    referenceCount: ref.finiteCount,
    currentCount: cur.finiteCount,
    newCategories: [],
    newCategoryShare: 0,
    vanishedCategories: [],
    bins: {
      labels,
      reference: refCounts.map((c) => c / total(refCounts)),
      current: curCounts.map((c) => c / total(curCounts)),
    },
  };
}

function categoricalDrift(ref: CategoricalProfile, cur: CategoricalProfile, options: DriftOptions): ColumnDrift {
  const refNonNull = ref.count - ref.nullCount;
  const curNonNull = cur.count - cur.nullCount;
  if (refNonNull === 0 || curNonNull === 0) return skipped(ref.name, 'categorical', 'no values to compare');
  // Dates as text (CSV) are timestamps too: every new day would be a new category.
  if (ref.dateTextCount === refNonNull) return skipped(ref.name, 'categorical', 'timestamp column (time moves on)');
  // Identifier-like columns (nearly every value distinct) have no distribution to compare.
  if (ref.distinctEstimate > 100 && ref.distinctEstimate > 0.5 * refNonNull)
    return skipped(ref.name, 'categorical', 'identifier-like (most values distinct)');
  const refMap = new Map(ref.topValues.items);
  const curMap = new Map(cur.topValues.items);
  const values = [...new Set([...refMap.keys(), ...curMap.keys()])];
  // Counts beyond the frequent-items capacity are pooled as "other".
  const refCounts = [...values.map((v) => refMap.get(v) ?? 0), Math.max(0, refNonNull - sum(refMap.values()))];
  const curCounts = [...values.map((v) => curMap.get(v) ?? 0), Math.max(0, curNonNull - sum(curMap.values()))];
  // Beyond the top values' capacity each count may be low by the sketch's error bound: deviations
  // within it are not evidence.
  const slack = ref.topValues.errorBound + cur.topValues.errorBound;
  const test = chiSquareHomogeneity(refCounts, curCounts, slack);
  const measures = {
    jensenShannon: jensenShannonDistance(refCounts, curCounts),
    psi: populationStabilityIndex(refCounts, curCounts),
    cramersV: test.cramersV,
    chiSquare: test.chiSquare,
  };
  const method = options.categoricalMethod;
  const key = method === 'jensen-shannon' ? 'jensenShannon' : method === 'cramers-v' ? 'cramersV' : 'psi';
  // A category is new only if the reference's counts are complete (exact) and lack it.
  const newCategories = ref.topValues.exact
    ? cur.topValues.items
        .filter(([v]) => !refMap.has(v))
        .map(([value, count]) => ({ value, count, share: count / curNonNull }))
    : [];
  const vanishedCategories = cur.topValues.exact
    ? ref.topValues.items
        .filter(([v]) => !curMap.has(v))
        .map(([value, count]) => ({ value, count, share: count / refNonNull }))
    : [];
  const top = [...values]
    .sort((a, b) => (refMap.get(b) ?? 0) + (curMap.get(b) ?? 0) - (refMap.get(a) ?? 0) - (curMap.get(a) ?? 0))
    .slice(0, MAX_CATEGORY_BINS);
  return {
    column: ref.name,
    kind: 'categorical',
    skipped: null,
    method,
    effect: measures[key],
    threshold: options.thresholds[key],
    measures,
    pValue: test.pValue,
    test: slack > 0 ? 'chi-square-bounded' : 'chi-square',
    qValue: 1,
    // Stryker disable next-line BooleanLiteral: compareProfiles sets the verdict of every compared column
    drifted: false,
    referenceCount: refNonNull,
    currentCount: curNonNull,
    newCategories,
    newCategoryShare: sum(newCategories.map((n) => n.count)) / curNonNull,
    vanishedCategories,
    bins: {
      labels: top,
      reference: top.map((v) => (refMap.get(v) ?? 0) / refNonNull),
      current: top.map((v) => (curMap.get(v) ?? 0) / curNonNull),
    },
  };
}

/** One line per kind of change: every category up to MAX_LISTED_CATEGORIES by count, then a summary. */
function categoryFindings(change: CategoryChange): string[] {
  const list = (items: CategoryShare[]) => {
    const shown = items.slice(0, MAX_LISTED_CATEGORIES).map((c) => `${c.value} (${rows(c.count)})`);
    const rest = items.slice(MAX_LISTED_CATEGORIES);
    if (rest.length > 0) shown.push(`and ${rest.length} more (${rows(sum(rest.map((c) => c.count)))})`);
    return shown.join(', ');
  };
  const out: string[] = [];
  const n = change.newCategories.length;
  if (n > 0)
    out.push(
      `'${change.column}': ${n} new ${n === 1 ? 'category' : 'categories'}, ${rows(change.newRows)} now: ${list(change.newCategories)}`,
    );
  const v = change.vanishedCategories.length;
  if (v > 0)
    out.push(
      `'${change.column}': ${v} ${v === 1 ? 'category' : 'categories'} of the reference no longer ${v === 1 ? 'occurs' : 'occur'} (${rows(change.vanishedRows)} there): ${list(change.vanishedCategories)}`,
    );
  return out;
}

function rows(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
}

function sum(xs: Iterable<number>): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
