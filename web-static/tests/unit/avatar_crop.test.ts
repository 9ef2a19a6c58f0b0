import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  avatarFileProblem,
  clampCrop,
  cropRect,
  initialCrop,
  keyCrop,
  kMaxZoom,
  outputMime,
  outputName,
  pan,
  wheelZoom,
  zoomTo,
  type CropRect,
  type Size,
} from '../../src/panel/avatar_crop_model.ts';

const wide: Size = { w: 800, h: 400 };
const tall: Size = { w: 300, h: 900 };
const view = 256;

function inside(r: CropRect, img: Size) {
  assert.ok(r.x >= -1e-9 && r.y >= -1e-9, `origin ${r.x},${r.y} inside`);
  assert.ok(r.x + r.size <= img.w + 1e-9 && r.y + r.size <= img.h + 1e-9, `far corner inside`);
}

test('avatar files: jpg/jpeg/png/gif/bmp up to 5 MiB, any case', () => {
  assert.equal(avatarFileProblem('me.JPG', 1000), null);
  assert.equal(avatarFileProblem('me.jpeg', 5 * 1024 * 1024), null);
  assert.equal(avatarFileProblem('a.b.png', 1), null);
  assert.equal(avatarFileProblem('x.gif', 1), null);
  assert.equal(avatarFileProblem('x.bmp', 1), null);
  assert.equal(avatarFileProblem('x.webp', 1), 'type');
  assert.equal(avatarFileProblem('x.pdf', 1), 'type');
  assert.equal(avatarFileProblem('png', 1), 'type');
  assert.equal(avatarFileProblem('me.png', 5 * 1024 * 1024 + 1), 'size');
});

test('the initial crop is the centred square of the short side', () => {
  assert.deepEqual(cropRect(initialCrop(wide), wide), { x: 200, y: 0, size: 400 });
  assert.deepEqual(cropRect(initialCrop(tall), tall), { x: 0, y: 300, size: 300 });
});

test('dragging moves the picture with the pointer and never past its edges', () => {
  const s = initialCrop(wide);
  // One viewport pixel is 400/256 source pixels at zoom 1.
  const right = pan(s, wide, view, 64, 0);
  assert.equal(cropRect(right, wide).x, 200 - 64 * (400 / 256));
  // Far to the right: the crop stops at the image's left edge.
  const stop = pan(s, wide, view, 10_000, 10_000);
  assert.deepEqual(cropRect(stop, wide), { x: 0, y: 0, size: 400 });
  const other = pan(s, wide, view, -10_000, -10_000);
  assert.deepEqual(cropRect(other, wide), { x: 400, y: 0, size: 400 });
});

test('zoom is kept within 1..max and the square stays inside the image', () => {
  let s = zoomTo(initialCrop(wide), wide, view, 2);
  assert.equal(cropRect(s, wide).size, 200);
  inside(cropRect(s, wide), wide);
  s = zoomTo(s, wide, view, 100);
  assert.equal(s.zoom, kMaxZoom);
  s = zoomTo(s, wide, view, 0.1);
  assert.equal(s.zoom, 1);
  inside(cropRect(s, wide), wide);
  // Zooming out from a corner pulls the square back inside.
  const corner = pan(zoomTo(initialCrop(tall), tall, view, 4), tall, view, -10_000, -10_000);
  inside(cropRect(zoomTo(corner, tall, view, 1), tall), tall);
  assert.deepEqual(clampCrop({ zoom: Number.NaN, cx: Number.NaN, cy: 5 }, tall), { zoom: 1, cx: 150, cy: 150 });
});

test('zooming about a point keeps the source point under it', () => {
  const s = initialCrop(wide); // centre 400,200; 400/256 source px per view px
  const at = (st: typeof s, vx: number) => st.cx + (vx - view / 2) * (400 / st.zoom / view);
  const before = at(s, 200);
  const z = zoomTo(s, wide, view, 2, 200, 128);
  assert.ok(Math.abs(at(z, 200) - before) < 1e-9);
  assert.equal(z.cy, 200);
});

test('the wheel zooms in on negative deltaY and out on positive', () => {
  assert.ok(wheelZoom(1, -100) > 1);
  assert.ok(Math.abs(wheelZoom(1.2, 100) - 1) < 1e-9);
  assert.equal(wheelZoom(1, 500), 1);
  assert.equal(wheelZoom(kMaxZoom, -500), kMaxZoom);
});

test('keyboard: arrows move, Shift moves further, +/- zoom, Home resets, other keys pass', () => {
  const s = zoomTo(initialCrop(wide), wide, view, 2); // 200/256 source px per view px
  const left = keyCrop(s, wide, view, 'ArrowLeft', false)!;
  assert.ok(Math.abs(left.cx - (s.cx + 8 * (200 / 256))) < 1e-9);
  const far = keyCrop(s, wide, view, 'ArrowDown', true)!;
  assert.ok(Math.abs(far.cy - Math.max(100, s.cy - 40 * (200 / 256))) < 1e-9);
  assert.ok(keyCrop(s, wide, view, '+', false)!.zoom > s.zoom);
  assert.ok(keyCrop(s, wide, view, '-', false)!.zoom < s.zoom);
  assert.deepEqual(keyCrop(s, wide, view, 'Home', false), initialCrop(wide));
  assert.equal(keyCrop(s, wide, view, 'Tab', false), null);
  assert.equal(keyCrop(s, wide, view, 'Enter', false), null);
});

test('output: JPEG stays JPEG, the rest becomes PNG; the name follows', () => {
  assert.equal(outputMime('image/jpeg', 'a.jpg'), 'image/jpeg');
  assert.equal(outputMime('', 'a.JPEG'), 'image/jpeg');
  assert.equal(outputMime('image/gif', 'a.gif'), 'image/png');
  assert.equal(outputMime('image/bmp', 'a.bmp'), 'image/png');
  assert.equal(outputName('Фото.jpeg', 'image/jpeg'), 'Фото.jpg');
  assert.equal(outputName('a.b.gif', 'image/png'), 'a.b.png');
  assert.equal(outputName('.png', 'image/png'), 'avatar.png');
});
