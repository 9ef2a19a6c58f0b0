import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  draftFromHours,
  formatTime,
  hoursFromDraft,
  isValidDate,
  isValidTimeZone,
  nextInterval,
  parseInterval,
  parseTime,
  validateDraft,
  validateIntervals,
  type Hours,
} from '../../src/panel/hours_model.ts';

test('parseTime accepts H:MM and HH:MM, 24:00 only as an end', () => {
  assert.equal(parseTime('09:00'), 540);
  assert.equal(parseTime('9:05'), 545);
  assert.equal(parseTime(' 23:59 '), 1439);
  assert.equal(parseTime('00:00'), 0);
  assert.equal(parseTime('24:00'), null);
  assert.equal(parseTime('24:00', true), 1440);
  assert.equal(parseTime('24:01', true), null);
  assert.equal(parseTime('12:60'), null);
  assert.equal(parseTime('25:00'), null);
  assert.equal(parseTime('9'), null);
  assert.equal(parseTime('ab:cd'), null);
  assert.equal(parseTime(''), null);
});

test('formatTime pads to HH:MM', () => {
  assert.equal(formatTime(0), '00:00');
  assert.equal(formatTime(545), '09:05');
  assert.equal(formatTime(1440), '24:00');
});

test('parseInterval normalises and accepts dashes with spaces', () => {
  assert.deepEqual(parseInterval('09:00-18:00'), { start: '09:00', end: '18:00' });
  assert.deepEqual(parseInterval('9:00 – 13:30'), { start: '09:00', end: '13:30' });
  assert.deepEqual(parseInterval('22:00—24:00'), { start: '22:00', end: '24:00' });
  assert.equal(parseInterval('09:00'), null);
  assert.equal(parseInterval('24:00-24:00'), null);
  assert.equal(parseInterval('x-y'), null);
});

test('validateIntervals reports bad times, reversed and overlapping intervals', () => {
  assert.deepEqual(validateIntervals([{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }], 'd'), []);
  assert.deepEqual(validateIntervals([{ start: '09:00', end: '13:00' }, { start: '13:00', end: '18:00' }], 'd'), [], 'touching is fine');
  assert.deepEqual(validateIntervals([{ start: '9', end: '13:00' }], 'd'), [{ path: 'd.0', kind: 'time' }]);
  assert.deepEqual(validateIntervals([{ start: '18:00', end: '09:00' }], 'd'), [{ path: 'd.0', kind: 'order' }]);
  assert.deepEqual(validateIntervals([{ start: '10:00', end: '10:00' }], 'd'), [{ path: 'd.0', kind: 'order' }]);
  assert.deepEqual(
    validateIntervals([{ start: '12:00', end: '18:00' }, { start: '09:00', end: '13:00' }], 'd'),
    [{ path: 'd.0', kind: 'overlap' }],
    'overlap is reported on the later interval, whatever the list order',
  );
});

test('isValidDate rejects impossible calendar dates', () => {
  assert.ok(isValidDate('2026-12-31'));
  assert.ok(isValidDate('2028-02-29'));
  assert.ok(!isValidDate('2027-02-29'));
  assert.ok(!isValidDate('2026-13-01'));
  assert.ok(!isValidDate('2026-1-01'));
  assert.ok(!isValidDate(''));
});

test('isValidTimeZone knows IANA zones', () => {
  assert.ok(isValidTimeZone('Europe/Moscow'));
  assert.ok(isValidTimeZone('UTC'));
  assert.ok(!isValidTimeZone('Mars/Olympus'));
  assert.ok(!isValidTimeZone(''));
});

const sample: Hours = {
  timezone: 'Europe/Moscow',
  weekly: { mon: ['09:00-18:00'], tue: [], wed: ['14:00-18:00', '09:00-13:00'], thu: [], fri: ['09:00-17:00'], sat: [], sun: [] },
  exceptions: [
    { date: '2027-01-02', intervals: ['10:00-14:00'] },
    { date: '2026-12-31', intervals: [] },
  ],
  open_now: true,
};

test('draft round trip sorts intervals and exceptions and keeps closed days', () => {
  const draft = draftFromHours(sample);
  assert.equal(draft.alwaysOpen, false);
  assert.equal(draft.exceptions[1]!.closed, true);
  assert.deepEqual(validateDraft(draft), []);
  assert.deepEqual(hoursFromDraft(draft), {
    timezone: 'Europe/Moscow',
    weekly: { mon: ['09:00-18:00'], tue: [], wed: ['09:00-13:00', '14:00-18:00'], thu: [], fri: ['09:00-17:00'], sat: [], sun: [] },
    exceptions: [
      { date: '2026-12-31', intervals: [] },
      { date: '2027-01-02', intervals: ['10:00-14:00'] },
    ],
  });
});

test('weekly null means always open and survives the round trip', () => {
  const draft = draftFromHours({ timezone: 'UTC', weekly: null, exceptions: [] });
  assert.equal(draft.alwaysOpen, true);
  assert.deepEqual(hoursFromDraft(draft), { timezone: 'UTC', weekly: null, exceptions: [] });
  assert.equal(draftFromHours(undefined, 'Asia/Omsk').timezone, 'Asia/Omsk');
});

test('a closed exception drops its intervals on save', () => {
  const draft = draftFromHours(sample);
  draft.exceptions[0]!.closed = true;
  assert.deepEqual(hoursFromDraft(draft).exceptions.find((e) => e.date === '2027-01-02'), { date: '2027-01-02', intervals: [] });
});

test('validateDraft points at the zone, bad dates, duplicates and bad intervals', () => {
  const draft = draftFromHours(sample);
  draft.timezone = 'Nowhere/City';
  draft.weekly.tue.push({ start: '18:00', end: '10:00' });
  draft.exceptions.push({ date: '2026-12-31', closed: true, intervals: [] });
  draft.exceptions.push({ date: '31.12.2026', closed: false, intervals: [{ start: '10:00', end: '25:00' }] });
  assert.deepEqual(validateDraft(draft), [
    { path: 'timezone', kind: 'timezone' },
    { path: 'weekly.tue.0', kind: 'order' },
    { path: 'exceptions.2.date', kind: 'duplicate_date' },
    { path: 'exceptions.3.date', kind: 'date' },
    { path: 'exceptions.3.intervals.0', kind: 'time' },
  ]);
});

test('weekly problems are ignored while the site is always open', () => {
  const draft = draftFromHours(sample);
  draft.weekly.mon.push({ start: 'x', end: 'y' });
  draft.alwaysOpen = true;
  assert.deepEqual(validateDraft(draft), []);
});

test('nextInterval proposes a working day, then the two hours after the last one', () => {
  assert.deepEqual(nextInterval([]), { start: '09:00', end: '18:00' });
  assert.deepEqual(nextInterval([{ start: '09:00', end: '13:00' }]), { start: '13:00', end: '15:00' });
  assert.deepEqual(nextInterval([{ start: '20:00', end: '23:30' }]), { start: '23:00', end: '24:00' });
  assert.deepEqual(nextInterval([{ start: '20:00', end: 'bad' }]), { start: '09:00', end: '18:00' });
});
