import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PredictionLog } from './prediction-log.ts';

test('the log rotates by size and keeps at most maxFiles rotated files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-log-'));
  try {
    const log = new PredictionLog({ dir, maxFileBytes: 2048, maxFiles: 2 });
    // ~200 bytes a line, 100 lines: ~20 KiB through 2 KiB files.
    for (let i = 0; i < 100; i++) {
      log.write({ kind: 'prediction', id: `r${i}`, pad: 'x'.repeat(160) });
      // Rotation happens between writes; give the stream a turn now and then.
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20));
    }
    await log.close();
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, ['predictions.1.jsonl', 'predictions.2.jsonl', 'predictions.jsonl']);
    // A file rotates after the write that passes its size: it holds at most one batch (a quarter file and a line) more.
    for (const f of files) {
      const size = (await stat(join(dir, f))).size;
      assert.ok(size <= 2048 + 512 + 256, `${f}: ${size} bytes`);
    }
    // The newest line is in the live file, whole.
    const live = (await readFile(join(dir, 'predictions.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(JSON.parse(live.at(-1)!).id, 'r99');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
