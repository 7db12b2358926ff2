// How the engine reads one data file: the SQL table function for its format,
// and for each column the SQL that turns it into what a column batch holds
// (numbers as DOUBLE, timestamps as epoch milliseconds, everything else as
// text). Kinds follow the file's own types where it has them (Parquet, JSON);
// a CSV column is numbers when every value of its first rows is a number.
import { formatOf, isRemote, type DataFormat } from './data-format.ts';
import { queryRows, sqlName, sqlString } from './duckdb-engine.ts';
import { engineError } from './engine-errors.ts';
import { checkQuotesClosed, readCsvHeader, type CsvHeader } from './csv-header.ts';
import { checkJsonText } from './json-error-location.ts';

/** Tokens read as a missing value in CSV. */
export const CSV_NULL_TOKENS = ['', 'NA', 'N/A', 'null', 'NULL', 'None'] as const;

/** Rows whose values decide whether a 64-bit integer column can be held as numbers. */
const KIND_ROWS = 65_536;
const SAFE_INTEGER = 2 ** 53;

export interface ColumnPlan {
  name: string;
  kind: 'numeric' | 'categorical';
  timestamp: boolean;
  /** SQL giving DOUBLE (numeric) or VARCHAR (categorical). */
  sql: string;
  /** SQL giving the text of a value that did not parse as a number (tolerant CSV columns); else undefined. */
  invalidSql?: string | undefined;
}

export interface SourcePlan {
  file: string;
  format: DataFormat;
  /** The FROM clause. */
  from: string;
  /** The FROM clause for aggregates, where row order does not matter (a CSV file parsed in parallel). */
  unorderedFrom: string;
  /** True when the scan yields rows in file order without a row number (serial CSV, JSON). */
  ordered: boolean;
  /** SQL for each row's 0-based position in the file, when the format has one (Parquet). */
  rowNumberSql: string | undefined;
  columns: ColumnPlan[];
}

const NUMERIC_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const WIDE_INTEGERS = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/;
const TIMESTAMP_TYPES = /^(DATE|TIMESTAMP.*)$/;

/** The FROM clause reading a file; CSV with its header and each column's type. */
function tableFunction(
  file: string,
  format: DataFormat,
  csv?: { header: CsvHeader; types: string[]; parallel?: boolean },
): string {
  const path = sqlString(file);
  switch (format) {
    case 'csv': {
      const nulls = `[${CSV_NULL_TOKENS.map(sqlString).join(', ')}]`;
      // A remote file's header is not read here: the engine's sniffer reads it and the types.
      if (!csv) return `read_csv(${path}, header = true, nullstr = ${nulls}, parallel = false)`;
      const columns = csv!.header.names.map((n, i) => `${sqlString(n)}: ${sqlString(csv!.types[i]!)}`).join(', ');
      // Nothing sniffed: RFC 4180 with the header read here, so a ragged or cut file fails at its line.
      // Serial, so rows come in file order (error lines and samples follow the file).
      return `read_csv(${path}, auto_detect = false, header = true, skip = ${csv!.header.skip}, delim = ',', quote = '"', escape = '"', nullstr = ${nulls}, parallel = ${csv!.parallel === true}, strict_mode = true, null_padding = false, columns = {${columns}})`;
    }
    case 'jsonl':
      return `read_json(${path}, format = 'newline_delimited', sample_size = -1)`;
    case 'json':
      return `read_json(${path}, format = 'array', sample_size = -1)`;
    case 'parquet':
      return `read_parquet(${path}, file_row_number = true)`;
  }
}

async function describe(file: string, from: string): Promise<{ name: string; type: string }[]> {
  try {
    const rows = await queryRows(`DESCRIBE SELECT * FROM ${from}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (cause) {
    throw await engineError(file, cause);
  }
}

/** Plans the scan of one file; `tolerant` lists CSV columns read as text and parsed leniently. */
export async function planSource(file: string, tolerant: ReadonlySet<string> = new Set()): Promise<SourcePlan> {
  const format = formatOf(file);
  if (format === 'csv' && !isRemote(file)) return planCsv(file, tolerant);
  if ((format === 'json' || format === 'jsonl') && !isRemote(file)) await checkJsonText(file);
  const described = (await describe(file, tableFunction(file, format))).filter(
    (c) => !(format === 'parquet' && c.name === 'file_row_number'),
  );
  const wide = described.filter((c) => WIDE_INTEGERS.test(c.type)).map((c) => sqlName(c.name));
  const unsafe = await unsafeIntegers(file, tableFunction(file, format), wide);
  const columns = described.map(({ name, type }): ColumnPlan => {
    const ref = sqlName(name);
    if (NUMERIC_TYPES.test(type) && !unsafe[wide.indexOf(ref)])
      return { name, kind: 'numeric', timestamp: false, sql: `CAST(${ref} AS DOUBLE)` };
    if (TIMESTAMP_TYPES.test(type)) {
      const ms = type.startsWith('TIMESTAMP WITH') ? `epoch_ms(${ref})` : `epoch_ms(CAST(${ref} AS TIMESTAMP))`;
      return { name, kind: 'numeric', timestamp: true, sql: `CAST(${ms} AS DOUBLE)` };
    }
    const text = /^(STRUCT|MAP|JSON)|\[\d*\]$/.test(type) ? `to_json(${ref})` : ref;
    return { name, kind: 'categorical', timestamp: false, sql: `CAST(${text} AS VARCHAR)` };
  });
  return {
    file,
    format,
    from: tableFunction(file, format),
    unorderedFrom: tableFunction(file, format),
    ordered: format !== 'parquet',
    rowNumberSql: format === 'parquet' ? 'file_row_number' : undefined,
    columns,
  };
}

/**
 * CSV columns are numbers when every value in their first rows reads as a
 * number (as the first batch decided before); dates stay text, as written.
 */
async function planCsv(file: string, tolerant: ReadonlySet<string>): Promise<SourcePlan> {
  const header = await readCsvHeader(file);
  await checkQuotesClosed(file);
  const text = tableFunction(file, 'csv', { header, types: header.names.map(() => 'VARCHAR') });
  const refs = header.names.map(sqlName);
  let probe: Record<string, unknown> | undefined;
  try {
    [probe] = await queryRows(
      `SELECT ${refs
        .map((r, i) => `count(${r}) AS n${i}, count(TRY_CAST(${r} AS DOUBLE)) AS x${i}`)
        .join(', ')} FROM (SELECT * FROM ${text} LIMIT ${KIND_ROWS})`,
    );
  } catch (cause) {
    throw await engineError(file, cause);
  }
  const parsed = header.names.map((_, i) => {
    const n = Number(probe?.[`n${i}`] ?? 0);
    return n > 0 && n === Number(probe?.[`x${i}`] ?? -1);
  });
  const unsafe = await unsafeIntegers(
    file,
    text,
    refs.map((r, i) => (parsed[i] ? `TRY_CAST(${r} AS HUGEINT)` : 'NULL::HUGEINT')),
  );
  const columns = header.names.map((name, i): ColumnPlan => {
    const ref = refs[i]!;
    if (!parsed[i] || unsafe[i]) return { name, kind: 'categorical', timestamp: false, sql: ref };
    if (!tolerant.has(name)) return { name, kind: 'numeric', timestamp: false, sql: ref };
    const value = `TRY_CAST(${ref} AS DOUBLE)`;
    return {
      name,
      kind: 'numeric',
      timestamp: false,
      sql: value,
      invalidSql: `CASE WHEN ${value} IS NULL THEN ${ref} END`,
    };
  });
  const types = columns.map((c) => (c.kind === 'numeric' && !c.invalidSql ? 'DOUBLE' : 'VARCHAR'));
  return {
    file,
    format: 'csv',
    from: tableFunction(file, 'csv', { header, types }),
    unorderedFrom: tableFunction(file, 'csv', { header, types, parallel: true }),
    ordered: true,
    rowNumberSql: undefined,
    columns,
  };
}

/** For each 64-bit integer expression, whether its first rows hold a value beyond 2^53: then it is text, so distinct ids stay distinct. */
async function unsafeIntegers(file: string, from: string, expressions: string[]): Promise<boolean[]> {
  if (expressions.length === 0) return [];
  const checks = expressions.map(
    (e, i) => `coalesce(max(abs(CAST(${e} AS HUGEINT))) > ${SAFE_INTEGER}, false) AS c${i}`,
  );
  try {
    const [row] = await queryRows(`SELECT ${checks.join(', ')} FROM (SELECT * FROM ${from} LIMIT ${KIND_ROWS})`);
    return expressions.map((_, i) => row?.[`c${i}`] === true);
  } catch (cause) {
    throw await engineError(file, cause);
  }
}
