export { servedPenguins, softmax, PENGUIN_POLICY } from './served-penguins.ts';
export type { ServedPenguins, WindowOptions, Penguin, Shift } from './served-penguins.ts';
