import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerFrame } from '../../src/widget/protocol.ts';
import { avatarSrc, configureAvatars, lastOperator } from '../../src/widget/avatars.ts';

const msg = (author: unknown) => parseServerFrame(JSON.stringify({ t: 'msg', dialog: 1, seq: 1, id: 1, author, text: 'hi', ts: 1 }));

test('msg frames: author.avatar is kept only as a daemon avatar path', () => {
  const ok = msg({ kind: 'operator', id: 7, name: 'Anna', avatar: '/api/avatars/42' });
  assert.equal(ok?.t === 'msg' && ok.author.avatar, '/api/avatars/42');
  for (const bad of ['https://evil.example/x.png', '/api/avatars/42/../../x', 'javascript:alert(1)', '/api/avatars/', 42]) {
    const f = msg({ kind: 'operator', id: 7, avatar: bad });
    assert.ok(f?.t === 'msg' && f.author.avatar === undefined, String(bad));
  }
});

test('avatar URLs are on the daemon origin, for operators only', () => {
  configureAvatars('https://chat.example.com/');
  assert.equal(avatarSrc({ kind: 'operator', avatar: '/api/avatars/5' }), 'https://chat.example.com/api/avatars/5');
  assert.equal(avatarSrc({ kind: 'operator' }), null);
  assert.equal(avatarSrc({ kind: 'visitor', avatar: '/api/avatars/5' }), null);
  assert.equal(avatarSrc(undefined), null);
});

test('the header shows the operator who wrote last', () => {
  const a = { kind: 'operator' as const, id: 1, avatar: '/api/avatars/1' };
  const b = { kind: 'operator' as const, id: 2 };
  const v = { kind: 'visitor' as const };
  const sys = { kind: 'system' as const };
  assert.equal(lastOperator([{ author: a }, { author: b }, { author: v }, { author: sys }]), b);
  assert.equal(lastOperator([{ author: v }]), undefined);
  assert.equal(lastOperator([]), undefined);
});
