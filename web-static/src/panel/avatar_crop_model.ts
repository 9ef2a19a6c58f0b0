// The square crop of an avatar (F6), as pure math so it can be unit-tested without a canvas.
//
// The crop is described by its zoom and the image point shown at the centre of the square
// viewport. zoom 1 is the largest square that fits the image (the short side fills the
// viewport); zooming in shows a smaller square of the source. The square always lies inside the
// image: there is never an empty band in the avatar.

/** What the daemon accepts as an avatar (daemon/http/api.md): jpeg/png/gif/bmp up to 5 MiB. */
export const kAvatarExtensions = ['jpg', 'jpeg', 'png', 'gif', 'bmp'];
export const kAvatarAccept = '.jpg,.jpeg,.png,.gif,.bmp,image/jpeg,image/png,image/gif,image/bmp';
export const kAvatarMaxBytes = 5 * 1024 * 1024;
/** The avatar as uploaded: 256×256 pixels whatever the source. */
export const kAvatarOutput = 256;
export const kMaxZoom = 8;
/** Arrow keys move the image by this many viewport pixels (Shift: five times as far). */
export const kKeyStep = 8;

export interface CropState {
  zoom: number;
  /** The source pixel at the viewport's centre. */
  cx: number;
  cy: number;
}

export interface Size {
  w: number;
  h: number;
}

/** The source square to draw, in source pixels. */
export interface CropRect {
  x: number;
  y: number;
  size: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Why a picked file cannot be an avatar ('type' or 'size'), or null. Checked before upload. */
export function avatarFileProblem(name: string, size: number): 'type' | 'size' | null {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  if (!kAvatarExtensions.includes(ext)) return 'type';
  if (size > kAvatarMaxBytes) return 'size';
  return null;
}

/** The side of the source square at this zoom. */
export const cropSide = (img: Size, zoom: number): number => Math.min(img.w, img.h) / clamp(zoom, 1, kMaxZoom);

/** Zoom within [1, kMaxZoom] and the centre moved so the square stays inside the image. */
export function clampCrop(s: CropState, img: Size): CropState {
  const zoom = clamp(Number.isFinite(s.zoom) ? s.zoom : 1, 1, kMaxZoom);
  const half = cropSide(img, zoom) / 2;
  return {
    zoom,
    cx: clamp(Number.isFinite(s.cx) ? s.cx : img.w / 2, half, img.w - half),
    cy: clamp(Number.isFinite(s.cy) ? s.cy : img.h / 2, half, img.h - half),
  };
}

/** The whole short side, centred: what a plain "upload" without cropping gives. */
export const initialCrop = (img: Size): CropState => clampCrop({ zoom: 1, cx: img.w / 2, cy: img.h / 2 }, img);

export function cropRect(s: CropState, img: Size): CropRect {
  const c = clampCrop(s, img);
  const size = cropSide(img, c.zoom);
  return { x: c.cx - size / 2, y: c.cy - size / 2, size };
}

/** Dragging the image by (dx, dy) viewport pixels: the picture follows the pointer. */
export function pan(s: CropState, img: Size, view: number, dx: number, dy: number): CropState {
  const perView = cropSide(img, s.zoom) / view; // source pixels per viewport pixel
  return clampCrop({ zoom: s.zoom, cx: s.cx - dx * perView, cy: s.cy - dy * perView }, img);
}

/**
 * A new zoom keeping the source point under the viewport point (ax, ay) in place (the pointer
 * for the wheel; the centre for the slider and keys).
 */
export function zoomTo(s: CropState, img: Size, view: number, zoom: number, ax = view / 2, ay = view / 2): CropState {
  const before = cropSide(img, s.zoom) / view;
  const z = clamp(zoom, 1, kMaxZoom);
  const after = cropSide(img, z) / view;
  // The anchored source point: (s.cx + (ax - view/2) * before) stays at ax.
  const px = s.cx + (ax - view / 2) * before;
  const py = s.cy + (ay - view / 2) * before;
  return clampCrop({ zoom: z, cx: px - (ax - view / 2) * after, cy: py - (ay - view / 2) * after }, img);
}

/** A wheel turn: each 100 units of deltaY zoom out by a fifth (negative deltaY zooms in). */
export const wheelZoom = (zoom: number, deltaY: number): number => clamp(zoom * Math.pow(1.2, -deltaY / 100), 1, kMaxZoom);

/** Keyboard control of the crop; null for keys it does not handle. */
export function keyCrop(s: CropState, img: Size, view: number, key: string, shift: boolean): CropState | null {
  const step = kKeyStep * (shift ? 5 : 1);
  // The arrow moves the picture, as dragging does.
  switch (key) {
    case 'ArrowLeft':
      return pan(s, img, view, -step, 0);
    case 'ArrowRight':
      return pan(s, img, view, step, 0);
    case 'ArrowUp':
      return pan(s, img, view, 0, -step);
    case 'ArrowDown':
      return pan(s, img, view, 0, step);
    case '+':
    case '=':
      return zoomTo(s, img, view, s.zoom * 1.2);
    case '-':
    case '_':
      return zoomTo(s, img, view, s.zoom / 1.2);
    case 'Home':
    case '0':
      return initialCrop(img);
    default:
      return null;
  }
}

/** JPEG stays JPEG (small); PNG, GIF and BMP become PNG (they may have transparency). */
export const outputMime = (sourceMime: string, name: string): 'image/jpeg' | 'image/png' =>
  sourceMime === 'image/jpeg' || /\.jpe?g$/i.test(name) ? 'image/jpeg' : 'image/png';

/** The uploaded file's name: the source's base name with the output's extension. */
export function outputName(name: string, mime: 'image/jpeg' | 'image/png'): string {
  const base = name.replace(/\.[^.]*$/, '').replace(/[\\/]/g, '_').slice(0, 100) || 'avatar';
  return `${base}.${mime === 'image/jpeg' ? 'jpg' : 'png'}`;
}
