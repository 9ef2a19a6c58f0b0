// The square crop of a new avatar (F6) on a canvas: drag to move, wheel or slider to zoom, and
// the keyboard (arrows move, +/− zoom, Home resets). The result is a 256×256 image blob; the
// math lives in avatar_crop_model.ts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import {
  cropRect,
  initialCrop,
  keyCrop,
  kAvatarOutput,
  kMaxZoom,
  outputMime,
  outputName,
  pan,
  wheelZoom,
  zoomTo,
  type CropState,
} from '../avatar_crop_model.ts';

const kView = 256; // CSS pixels of the crop square

export interface CroppedAvatar {
  blob: Blob;
  name: string;
}

/** Draws the crop of `img` into a square canvas of `px` device pixels. */
function draw(canvas: HTMLCanvasElement, img: HTMLImageElement, s: CropState, px: number, guide: boolean) {
  canvas.width = px;
  canvas.height = px;
  const g = canvas.getContext('2d');
  if (!g) return;
  const r = cropRect(s, { w: img.naturalWidth, h: img.naturalHeight });
  g.imageSmoothingQuality = 'high';
  g.clearRect(0, 0, px, px);
  g.drawImage(img, r.x, r.y, r.size, r.size, 0, 0, px, px);
  if (guide) {
    // The circle visitors see; the corners outside it are dimmed.
    g.fillStyle = 'rgba(15, 23, 42, 0.45)';
    g.beginPath();
    g.rect(0, 0, px, px);
    g.arc(px / 2, px / 2, px / 2, 0, Math.PI * 2, true);
    g.fill();
  }
}

export function AvatarCrop({ file, busy, onCancel, onDone }: { file: File; busy: boolean; onCancel: () => void; onDone: (a: CroppedAvatar) => void }) {
  const { t } = useApp();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  const [broken, setBroken] = useState(false);
  const [s, setS] = useState<CropState>({ zoom: 1, cx: 0, cy: 0 });
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);

  useEffect(() => {
    const url = URL.createObjectURL(file);
    const el = new Image();
    el.onload = () => {
      setS(initialCrop({ w: el.naturalWidth, h: el.naturalHeight }));
      setImg(el);
    };
    el.onerror = () => setBroken(true);
    el.src = url;
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const size = img ? { w: img.naturalWidth, h: img.naturalHeight } : { w: 1, h: 1 };
  useEffect(() => {
    if (img && canvas.current) draw(canvas.current, img, s, Math.round(kView * (window.devicePixelRatio || 1)), true);
  }, [img, s]);

  // Wheel listeners must be non-passive to keep the page from scrolling while zooming.
  useEffect(() => {
    const el = canvas.current;
    if (!el || !img) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = el.getBoundingClientRect();
      const k = kView / (box.width || kView);
      setS((cur) => zoomTo(cur, size, kView, wheelZoom(cur.zoom, e.deltaY), (e.clientX - box.left) * k, (e.clientY - box.top) * k));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [img]);

  if (broken) {
    return (
      <div class="avatar-crop" data-testid="avatar-crop">
        <p class="field__error" role="alert">
          {t('avatar.unreadable')}
        </p>
        <button type="button" class="btn btn--secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    );
  }

  const scale = () => {
    const box = canvas.current?.getBoundingClientRect();
    return kView / (box?.width || kView);
  };
  const onPointerDown = (e: PointerEvent) => {
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const k = scale();
    const dx = (e.clientX - d.x) * k;
    const dy = (e.clientY - d.y) * k;
    drag.current = { id: d.id, x: e.clientX, y: e.clientY };
    setS((cur) => pan(cur, size, kView, dx, dy));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const next = keyCrop(s, size, kView, e.key, e.shiftKey);
    if (!next) return;
    e.preventDefault();
    setS(next);
  };
  const save = () => {
    if (!img) return;
    const out = document.createElement('canvas');
    draw(out, img, s, kAvatarOutput, false);
    const mime = outputMime(file.type, file.name);
    out.toBlob((blob) => blob && onDone({ blob, name: outputName(file.name, mime) }), mime, 0.9);
  };

  return (
    <div class="avatar-crop" data-testid="avatar-crop">
      <canvas
        ref={canvas}
        class="avatar-crop__canvas"
        style={{ width: `${kView}px`, height: `${kView}px` }}
        tabIndex={0}
        role="img"
        aria-label={t('avatar.crop_label')}
        aria-describedby="avatar-crop-help"
        data-testid="avatar-crop-canvas"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      />
      <p id="avatar-crop-help" class="field__hint">
        {t('avatar.crop_help')}
      </p>
      <label class="avatar-crop__zoom">
        <span>{t('avatar.zoom')}</span>
        <input
          type="range"
          min={1}
          max={kMaxZoom}
          step={0.01}
          value={s.zoom}
          disabled={!img}
          data-testid="avatar-zoom"
          onInput={(e) => setS((cur) => zoomTo(cur, size, kView, Number((e.currentTarget as HTMLInputElement).value)))}
        />
      </label>
      <div class="form__actions">
        <button type="button" class="btn btn--primary" disabled={!img || busy} onClick={save} data-testid="avatar-save">
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" class="btn btn--secondary" disabled={busy} onClick={onCancel} data-testid="avatar-cancel">
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
