// The training command's output in the step log: inside collapsible groups
// (`::group::`), and with workflow commands switched off while it prints
// (`::stop-commands::`), so a line such as `::add-mask::` or `::error::` that
// a data-dependent print happens to produce is shown, not obeyed. Outside
// Actions (the CLI) the output passes through as it is.
import { randomBytes } from 'node:crypto';

export type LogMode = 'actions' | 'plain';

export class LogGroups {
  readonly #write: (text: string) => void;
  readonly #mode: LogMode;
  readonly #token = randomBytes(16).toString('hex');
  #open = false;
  /** Whether the last output written ended a line. */
  #atLineStart = true;

  constructor(write: (text: string) => void, mode: LogMode) {
    this.#write = write;
    this.#mode = mode;
  }

  /** Starts a group; the previous one is closed first. */
  open(title: string): void {
    this.close();
    if (this.#mode === 'actions')
      this.#write(`::group::${title.replace(/[\r\n]+/g, ' ')}\n::stop-commands::${this.#token}\n`);
    this.#open = true;
  }

  /** The command's own output, as it came. */
  output(text: string): void {
    if (text === '') return;
    this.#write(text);
    this.#atLineStart = text.endsWith('\n');
  }

  close(): void {
    if (!this.#open) return;
    if (!this.#atLineStart) this.#write('\n');
    this.#atLineStart = true;
    if (this.#mode === 'actions') this.#write(`${this.#token}::\n::endgroup::\n`);
    this.#open = false;
  }

  /** One line of mlship's own: it closes the open group (the caller opens the next). */
  line(text: string): void {
    this.close();
    this.#write(`${text}\n`);
  }
}
