// Reads a monitoring window (the rows the model served: its inputs, its
// outputs, and labels where they arrived) in one columnar pass through the
// data engine: the inputs' profile on the reference's cuts, and the outputs
// and labels as typed arrays for the performance estimate.
import {
  PROFILE_SCHEMA_VERSION,
  columnOf,
  profileCategories,
  profileData,
  valueText,
  type ColumnBatch,
  type Profile,
} from '@mlship/data';
import { FileFormatError } from '@mlship/errors';
import { probabilityColumns, type MonitorPolicy } from './monitor-policy.ts';

/** The profile of a window nobody was served in. */
export const EMPTY_PROFILE: Profile = { schemaVersion: PROFILE_SCHEMA_VERSION, rowCount: 0, columns: [] };

export interface WindowData {
  rows: number;
  files: string[];
  /** Every column of the window, histograms on the reference's cuts. */
  profile: Profile;
  /** The predicted classes as one categorical column named like the reference column they are compared with. */
  predictionProfile: Profile;
  /** Row-major [rows, classes]. */
  probabilities: Float64Array;
  predicted: Int32Array;
  /** Class index per row; -1 where the label has not arrived. */
  labels: Int32Array;
  labelledRows: number;
}

/** Grows a typed array by doubling, so a window of any size is one pass. */
class Growing<T extends Float64Array | Int32Array> {
  length = 0;
  data: T;
  constructor(data: T) {
    this.data = data;
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = new (this.data.constructor as new (n: number) => T)(
      Math.max(this.data.length * 2, this.length + extra),
    );
    next.set(this.data);
    this.data = next;
  }
  done(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

const rowOf = (batch: ColumnBatch, row: number) => `${batch.source.file}:${batch.source.firstRow + row}`;

export async function readWindow(
  pattern: string,
  policy: MonitorPolicy,
  reference: Profile,
  predictionColumn: string,
): Promise<WindowData> {
  const classes = policy.classes;
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const probabilityNames = probabilityColumns(policy);
  const probabilities = new Growing(new Float64Array(1024 * classes.length));
  const predicted = new Growing(new Int32Array(1024));
  const labels = new Growing(new Int32Array(1024));
  let labelledRows = 0;
  const onBatch = (batch: ColumnBatch) => {
    const n = batch.rowCount;
    probabilities.reserve(n * classes.length);
    predicted.reserve(n);
    labels.reserve(n);
    const probabilityData = probabilityNames.map((name) => {
      const column = batch.columns.get(name);
      if (!column || column.kind !== 'numeric')
        throw new FileFormatError(
          `${batch.source.file}: ${column ? `column '${name}' is not numeric` : `no column '${name}'`}; the monitoring policy reads each class's probability from ${probabilityNames.map((p) => `'${p}'`).join(', ')} (set 'probabilities' to the columns the data has)`,
          { location: { file: batch.source.file } },
        );
      return column;
    });
    const decision = policy.prediction ? columnOf(batch, policy.prediction) : undefined;
    const label = columnOf(batch, policy.label);
    for (let row = 0; row < n; row++) {
      const base = probabilities.length + row * classes.length;
      let top = 0;
      for (let c = 0; c < classes.length; c++) {
        const column = probabilityData[c]!;
        if (column.nulls[row] === 1 || !Number.isFinite(column.values[row]!))
          throw new FileFormatError(
            `${rowOf(batch, row)}: '${probabilityNames[c]}' is empty or not a number; every served row needs its probabilities`,
            { location: { file: batch.source.file, line: batch.source.firstRow + row } },
          );
        probabilities.data[base + c] = column.values[row]!;
        if (column.values[row]! > probabilities.data[base + top]!) top = c;
      }
      let decided = top;
      if (decision) {
        const text = valueText(decision, row);
        const index = text === null ? undefined : classIndex.get(text);
        if (index === undefined)
          throw new FileFormatError(
            `${rowOf(batch, row)}: prediction ${text === null ? 'is empty' : `'${text}' is not one of the policy's classes`} (${classes.join(', ')}); log the class the model decided, or drop 'prediction' from the policy to use the top probability`,
            { location: { file: batch.source.file, line: batch.source.firstRow + row } },
          );
        decided = index;
      }
      predicted.data[predicted.length + row] = decided;
      const truth = valueText(label, row);
      if (truth === null) labels.data[labels.length + row] = -1;
      else {
        const index = classIndex.get(truth);
        if (index === undefined)
          throw new FileFormatError(
            `${rowOf(batch, row)}: label '${truth}' is not one of the policy's classes (${classes.join(', ')}); add it to the policy's classes or correct the label`,
            { location: { file: batch.source.file, line: batch.source.firstRow + row } },
          );
        labels.data[labels.length + row] = index;
        labelledRows++;
      }
    }
    probabilities.length += n * classes.length;
    predicted.length += n;
    labels.length += n;
  };
  const { profile, files } = await profileData(pattern, { reference, onBatch });
  return {
    rows: predicted.length,
    files: files.map((f) => f.file),
    profile,
    predictionProfile: profileCategories(predictionColumn, predicted.done(), classes),
    probabilities: probabilities.done(),
    predicted: predicted.done(),
    labels: labels.done(),
    labelledRows,
  };
}
