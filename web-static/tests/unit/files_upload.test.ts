// The composer's upload flow both UIs share (shared/files.ts runUpload): local checks first,
// progress while uploading, post then clear, and each daemon refusal mapped to its problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runUpload, type FileInfo, type UploadError, type UploadJob, type UploadProblem, type UploadState } from '../../src/shared/files.ts';

const kFile: FileInfo = { id: 9, name: 'a.png', size: 3, mime: 'image/png' };
const flush = () => new Promise<void>((r) => setImmediate(r));

function job(result: { ok: FileInfo } | { err: UploadError } | null, max = 100) {
  const states: (UploadState | null)[] = [];
  const posted: FileInfo[] = [];
  const explained: [UploadProblem, UploadError | null][] = [];
  let started = 0;
  const j: UploadJob = {
    max,
    upload:
      result === null
        ? null
        : (onProgress) => {
            started++;
            onProgress(0.5);
            return 'ok' in result ? Promise.resolve(result.ok) : Promise.reject(result.err);
          },
    set: (u) => states.push(u),
    post: (f) => posted.push(f),
    explain: (p, e) => {
      explained.push([p, e]);
      return 'why:' + p;
    },
  };
  return { j, states, posted, explained, started: () => started };
}

test('upload: a good file shows progress, is posted, then the status clears', async () => {
  const h = job({ ok: kFile });
  runUpload(new Blob(['abc']), 'a.png', h.j);
  await flush();
  assert.deepEqual(h.states, [
    { name: 'a.png', progress: 0, error: null },
    { name: 'a.png', progress: 0.5, error: null },
    null,
  ]);
  assert.deepEqual(h.posted, [kFile]);
});

test('upload: a wrong type or a too large file is refused before any upload', () => {
  for (const [name, size, problem] of [['a.exe', 3, 'type'], ['a.png', 101, 'size']] as const) {
    const h = job({ ok: kFile });
    runUpload(new Blob(['x'.repeat(size)]), name, h.j);
    assert.equal(h.started(), 0);
    assert.deepEqual(h.explained, [[problem, null]]);
    assert.deepEqual(h.states, [{ name, progress: null, error: 'why:' + problem }]);
  }
});

test('upload: no way to upload now is a failure without starting', () => {
  const h = job(null);
  runUpload(new Blob(['abc']), 'a.png', h.j);
  assert.deepEqual(h.explained, [['failed', null]]);
  assert.deepEqual(h.posted, []);
});

test("upload: the daemon's refusals map to size, type, content or failed", async () => {
  const cases: [UploadError, UploadProblem][] = [
    [{ status: 413, code: 'too_large', message: 'max 1 MB', field: null }, 'size'],
    [{ status: 400, code: 'invalid', message: 'type not allowed', field: 'file' }, 'type'],
    [{ status: 400, code: 'invalid', message: 'content does not match', field: 'file' }, 'content'],
    [{ status: 0, code: 'network', message: '', field: null }, 'failed'],
  ];
  for (const [err, problem] of cases) {
    const h = job({ err });
    runUpload(new Blob(['abc']), 'a.png', h.j);
    await flush();
    assert.deepEqual(h.explained, [[problem, err]]);
    assert.deepEqual(h.states.at(-1), { name: 'a.png', progress: null, error: 'why:' + problem });
    assert.deepEqual(h.posted, []);
  }
});
