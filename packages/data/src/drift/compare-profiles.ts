// Drift of current data against a reference profile. A column drifts when its
// effect size passes the method's threshold AND the difference is
// statistically detectable at these sample sizes (KS or chi-square test,
// Benjamini-Hochberg across columns): at millions of rows tiny differences are
// significant but small, at tens of rows large-looking ones are noise.
import { KllSketch } from '../sketch/kll.ts';
import { binCountsFromSketch } from '../profile/column-profilers.ts';
import { DATE_TEXT } from '../expect/row-checks.ts';
import type { CategoricalProfile, NumericProfile, Profile } from '../profile/profile-schema.ts';
import {
  benjaminiHochberg,
  chiSquareHomogeneity,
  compareDistributions,
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
  /** Findings besides drifted columns: new categories, vanished categories, type changes. */
  findings: string[];
  options: DriftOptions;
}

const MAX_CATEGORY_BINS = 20;

export function compareProfiles(reference: Profile, current: Profile, input: DriftOptionsInput = {}): DriftReport {
  const options = DriftOptionsSchema.parse(input);
  const currentByName = new Map(current.columns.map((c) => [c.name, c]));
  const referenceNames = new Set(reference.columns.map((c) => c.name));
  const columns: ColumnDrift[] = [];
  const findings: string[] = [];
  for (const ref of reference.columns) {
    const cur = currentByName.get(ref.name);
    if (!cur) continue;
    if (options.ignore.includes(ref.name)) {
      columns.push(skipped(ref.name, ref.kind, 'ignored by configuration'));
    } else if (cur.count > 0 && cur.count === cur.nullCount && ref.count > ref.nullCount) {
      findings.push(`column '${ref.name}' is entirely null now`);
      columns.push({ ...skipped(ref.name, ref.kind, 'entirely null now'), drifted: true });
    } else if (ref.kind !== cur.kind) {
      findings.push(`column '${ref.name}' changed type: ${ref.kind} in the reference, ${cur.kind} now`);
      columns.push({ ...skipped(ref.name, ref.kind, `type changed to ${cur.kind}`), drifted: true });
    } else if (ref.kind === 'numeric' && cur.kind === 'numeric') {
      columns.push(numericDrift(ref, cur, options));
    } else if (ref.kind === 'categorical' && cur.kind === 'categorical') {
      columns.push(categoricalDrift(ref, cur, options));
    }
  }
  const compared = columns.filter((c) => c.skipped === null);
  const q = benjaminiHochberg(compared.map((c) => c.pValue));
  compared.forEach((c, i) => {
    c.qValue = q[i]!;
    c.drifted = c.effect >= c.threshold && c.qValue <= options.alpha;
  });
  for (const c of compared) {
    if (c.newCategoryShare >= options.newCategoryShare && c.newCategories.length > 0) {
      findings.push(
        `'${c.column}': ${c.newCategories.length} new ${c.newCategories.length === 1 ? 'category' : 'categories'} in ${(c.newCategoryShare * 100).toFixed(1)}% of rows (${c.newCategories
          .slice(0, 3)
          .map((n) => n.value)
          .join(', ')}${c.newCategories.length > 3 ? ', ...' : ''})`,
      );
    }
    if (c.vanishedCategories.length > 0) {
      findings.push(
        `'${c.column}': ${c.vanishedCategories.map((v) => `${v.value} (${(v.share * 100).toFixed(1)}% of reference rows)`).join(', ')} no longer ${c.vanishedCategories.length === 1 ? 'occurs' : 'occur'}`,
      );
    }
  }
  const driftedCount = columns.filter((c) => c.drifted).length;
  const comparedCount = compared.length + columns.filter((c) => c.skipped !== null && c.drifted).length;
  const driftedShare = comparedCount > 0 ? driftedCount / comparedCount : 0;
  const missingColumns = reference.columns.filter((c) => !currentByName.has(c.name)).map((c) => c.name);
  for (const m of missingColumns) findings.push(`column '${m}' of the reference is missing`);
  return {
    columns,
    comparedCount,
    driftedCount,
    driftedShare,
    datasetDrift: comparedCount > 0 && driftedShare >= options.datasetDriftShare,
    missingColumns,
    newColumns: current.columns.filter((c) => !referenceNames.has(c.name)).map((c) => c.name),
    findings,
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

function numericDrift(ref: NumericProfile, cur: NumericProfile, options: DriftOptions): ColumnDrift {
  // Either side: a reference profiled before its reader knew the column for a timestamp (Parquet INT96) still says number.
  if (ref.timestamp || cur.timestamp) return skipped(ref.name, 'numeric', 'timestamp column (time moves on)');
  if (ref.finiteCount === 0 || cur.finiteCount === 0)
    return skipped(ref.name, 'numeric', 'no finite values to compare');
  const refSketch = KllSketch.fromState(ref.quantileSketch);
  const curSketch = KllSketch.fromState(cur.quantileSketch);
  const cuts = ref.histogram?.cuts ?? [];
  const refCounts = ref.histogram?.counts ?? [ref.finiteCount];
  const sameCuts =
    cur.histogram !== null &&
    cur.histogram.cuts.length === cuts.length &&
    cur.histogram.cuts.every((c, i) => c === cuts[i]);
  // Without shared cuts the current bins are estimated from its sketch.
  const curCounts = sameCuts ? cur.histogram!.counts : binCountsFromSketch(curSketch, cuts);
  const { ks, wasserstein } = compareDistributions(refSketch, curSketch);
  const sigma = ref.stdev ?? 0;
  const measures = {
    psi: populationStabilityIndex(refCounts, curCounts),
    ks,
    wasserstein: sigma > 0 ? wasserstein / sigma : wasserstein > 0 ? Number.POSITIVE_INFINITY : 0,
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
    pValue: ksPValue(ks, ref.finiteCount, cur.finiteCount),
    qValue: 1,
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
  // Identifier-like columns (nearly every value distinct) have no distribution to compare.
  if (ref.distinctEstimate > 100 && ref.distinctEstimate > 0.5 * refNonNull)
    return skipped(ref.name, 'categorical', 'identifier-like (most values distinct)');
  // Dates as text (CSV) are timestamps too: every new day would be a new category.
  if (ref.topValues.items.length > 0 && ref.topValues.items.every(([v]) => DATE_TEXT.test(v)))
    return skipped(ref.name, 'categorical', 'timestamp column (time moves on)');
  const refMap = new Map(ref.topValues.items);
  const curMap = new Map(cur.topValues.items);
  const values = [...new Set([...refMap.keys(), ...curMap.keys()])];
  // Counts beyond the frequent-items capacity are pooled as "other".
  const refCounts = [...values.map((v) => refMap.get(v) ?? 0), Math.max(0, refNonNull - sum(refMap.values()))];
  const curCounts = [...values.map((v) => curMap.get(v) ?? 0), Math.max(0, curNonNull - sum(curMap.values()))];
  const test = chiSquareHomogeneity(refCounts, curCounts);
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
        .filter(([v, n]) => !curMap.has(v) && n / refNonNull >= options.vanishedCategoryShare)
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
    qValue: 1,
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

function sum(xs: Iterable<number>): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
