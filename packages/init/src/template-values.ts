// A workflow template names things the way the examples in docs do (model
// `churn`, data under data/train/, the `$default-branch` placeholder GitHub
// fills in only when a template is used from its UI). Scaffolding into a
// repository fills in that repository's values instead: a template copied
// with `$default-branch` left in it never triggers.

export interface TemplateValues {
  /** The model's registry name (GTO grammar). */
  model: string;
  /** The branch pull requests target and releases run on. */
  defaultBranch: string;
  /** Training data as the data-test action's `data:` input, a path or glob relative to the repository. */
  data: string;
  /** The holdout the validate action scores models on. */
  holdout: string;
}

/** The values the templates are written with, which `fillTemplate` replaces. */
export const TEMPLATE_EXAMPLES = {
  model: 'churn',
  data: 'data/train/*.parquet',
  dataDir: 'data/train',
  dataRoot: 'data',
  holdout: 'data/holdout.parquet',
} as const;

/**
 * The template's text with the repository's values. Only whole tokens are
 * replaced: the `MODEL:` env value, the example paths where they stand as a
 * YAML value, a list item or a path segment, and every `$default-branch`.
 */
export function fillTemplate(text: string, values: TemplateValues): string {
  const dataDir = directoryOf(values.data);
  return (
    text
      .replaceAll('$default-branch', values.defaultBranch)
      .replace(/^(\s*MODEL:\s*)churn\s*$/gm, `$1${yamlScalar(values.model)}`)
      .replaceAll(TEMPLATE_EXAMPLES.holdout, values.holdout)
      .replaceAll(TEMPLATE_EXAMPLES.data, values.data)
      .replace(/(^|[\s/'"[,])data\/train(?=$|[\s/'"\],*])/gm, `$1${dataDir}`)
      // A release runs when the training data changes: the folder it lives in.
      .replaceAll(`'${TEMPLATE_EXAMPLES.dataRoot}/**'`, `'${dataDir === '.' ? '**' : `${dataDir}/**`}'`)
  );
}

/** The folder of a path or glob: what a sparse checkout must fetch for it. */
export function directoryOf(pathOrGlob: string): string {
  const parts = pathOrGlob.split('/');
  const firstWild = parts.findIndex((p) => /[*?[{]/.test(p));
  const kept = parts.slice(0, firstWild === -1 ? parts.length - 1 : firstWild);
  return kept.length ? kept.join('/') : '.';
}

/** A plain YAML scalar when the text is one, else a quoted one (JSON strings are YAML). */
export function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(text) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(text)
    ? text
    : JSON.stringify(text);
}
