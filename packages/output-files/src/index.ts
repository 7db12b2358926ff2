// Where commands write their results: checked early, written all or nothing.
export { checkOutputDirectory, checkOutputFile, writeOutputFiles, writeOutputFile } from './output-files.ts';
export type { OutputOptions } from './output-files.ts';
