// The git repository init writes into: its root and the branch pull requests
// target. Read through git itself, so worktrees, submodules and `.git` files
// are understood as git understands them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';

export interface Repository {
  root: string;
  defaultBranch: string;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The repository containing `dir`; the default branch is origin's, else the current branch's, else `main`. */
export function findRepository(dir: string): Repository {
  const root = git(dir, ['rev-parse', '--show-toplevel']);
  if (!root)
    throw new InputError(
      `${dir} is not inside a git repository; run 'git init' (or clone your repository) first, then mlship init there`,
    );
  const remoteHead = git(root, ['symbolic-ref', '--short', 'refs/remotes/origin/HEAD']);
  const current = git(root, ['symbolic-ref', '--short', 'HEAD']);
  const defaultBranch = remoteHead?.replace(/^origin\//, '') || current || 'main';
  return { root, defaultBranch };
}

/** A unified diff from the file at `existing` to `proposed` text, as `git diff` shows it, paths relative to the repository. */
export function diffAgainst(existing: string, proposed: string, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-init-'));
  const proposedPath = join(dir, 'proposed');
  try {
    writeFileSync(proposedPath, proposed);
    execFileSync('git', ['diff', '--no-index', '--no-color', '--', existing, proposedPath], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return '';
  } catch (error) {
    // git diff --no-index exits 1 when the files differ, with the diff on stdout.
    const out = (error as { stdout?: string }).stdout ?? '';
    return out.replaceAll(existing, `/${label}`).replaceAll(proposedPath, `/${label}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
