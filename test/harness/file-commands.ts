// Parses what an action leaves for the runner: GITHUB_OUTPUT / GITHUB_ENV /
// GITHUB_STATE files (name=value and the name<<DELIMITER heredoc syntax) and
// workflow commands on stdout (::error file=...,line=...::message).

/** Reads a key-value file command file the way the runner does. */
export function parseKeyValueFile(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    const equals = line.indexOf('=');
    if (heredoc && (equals === -1 || line.indexOf('<<') < equals)) {
      const [, name = '', delimiter = ''] = heredoc;
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i] ?? '');
      }
      // The runner fails the step on an unterminated heredoc; so does the harness.
      if (!closed) throw new Error(`file command value for "${name}" has no closing delimiter "${delimiter}"`);
      result[name] = value.join('\n');
      continue;
    }
    if (equals === -1) throw new Error(`invalid file command line: ${JSON.stringify(line)}`);
    result[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return result;
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

/** Annotations from `::error|warning|notice [props]::message` lines in stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const [, level, props = '', data = ''] = match;
    const annotation: Annotation = { level: level as AnnotationLevel, message: unescapeData(data) };
    for (const pair of props.split(',').filter(Boolean)) {
      const equals = pair.indexOf('=');
      const key = pair.slice(0, equals).trim();
      const value = unescapeProperty(pair.slice(equals + 1));
      if (key === 'file' || key === 'title') annotation[key] = value;
      if (key === 'line' || key === 'endLine' || key === 'col' || key === 'endColumn') annotation[key] = Number(value);
    }
    annotations.push(annotation);
  }
  return annotations;
}

// The escapes @actions/core applies (toCommandValue / escapeData / escapeProperty).
function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}
