// The working-hours editor's model: converts the API's `hours` object to an editable
// draft and back, and validates it the way the daemon will, so most mistakes are shown
// next to the field before a round trip.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const kWeekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface HoursException {
  date: string;
  intervals: string[];
}

export interface Hours {
  timezone: string;
  /** null: no hours configured, the site is always open. */
  weekly: Record<Weekday, string[]> | null;
  exceptions: HoursException[];
  open_now?: boolean;
}

export interface Interval {
  start: string;
  end: string;
}

export interface ExceptionDraft {
  date: string;
  closed: boolean;
  intervals: Interval[];
}

export interface HoursDraft {
  timezone: string;
  alwaysOpen: boolean;
  weekly: Record<Weekday, Interval[]>;
  exceptions: ExceptionDraft[];
}

/** Zones offered in the editor's datalist; any IANA zone may still be typed. */
export const kCommonTimezones: readonly string[] = [
  'UTC',
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Magadan',
  'Asia/Kamchatka',
  'Europe/Minsk',
  'Europe/Kyiv',
  'Asia/Almaty',
  'Asia/Tashkent',
  'Asia/Tbilisi',
  'Asia/Yerevan',
  'Asia/Baku',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Istanbul',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Australia/Sydney',
];

const kDay = 24 * 60;

/**
 * "09:00" -> 540. Accepts H:MM or HH:MM; "24:00" only when `allowEndOfDay`
 * (an interval may run to midnight). Returns null when malformed.
 */
export function parseTime(text: string, allowEndOfDay = false): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  const total = h * 60 + min;
  if (total < kDay) return total;
  return allowEndOfDay && total === kDay ? total : null;
}

export function formatTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** "09:00-18:00" (also with an en/em dash and spaces) -> {start, end}, times normalised. */
export function parseInterval(text: string): Interval | null {
  const parts = text.split(/\s*[-–—]\s*/);
  if (parts.length !== 2) return null;
  const start = parseTime(parts[0] as string);
  const end = parseTime(parts[1] as string, true);
  if (start === null || end === null) return null;
  return { start: formatTime(start), end: formatTime(end) };
}

export function formatInterval(i: Interval): string {
  return `${i.start.trim()}-${i.end.trim()}`;
}

export type ProblemKind = 'time' | 'order' | 'overlap' | 'date' | 'duplicate_date' | 'timezone';

export interface Problem {
  /** Where: "timezone", "weekly.mon.1", "exceptions.0.date", "exceptions.0.intervals.1". */
  path: string;
  kind: ProblemKind;
}

/** Problems of one day's list; `prefix` is prepended to the interval index in paths. */
export function validateIntervals(list: readonly Interval[], prefix: string): Problem[] {
  const problems: Problem[] = [];
  const good: { index: number; start: number; end: number }[] = [];
  list.forEach((i, index) => {
    const start = parseTime(i.start);
    const end = parseTime(i.end, true);
    if (start === null || end === null) {
      problems.push({ path: `${prefix}.${index}`, kind: 'time' });
    } else if (start >= end) {
      problems.push({ path: `${prefix}.${index}`, kind: 'order' });
    } else {
      good.push({ index, start, end });
    }
  });
  good.sort((a, b) => a.start - b.start);
  for (let k = 1; k < good.length; k++) {
    const prev = good[k - 1]!;
    const cur = good[k]!;
    if (cur.start < prev.end) problems.push({ path: `${prefix}.${cur.index}`, kind: 'overlap' });
  }
  return problems;
}

/** A real calendar date written as YYYY-MM-DD. */
export function isValidDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function validateDraft(draft: HoursDraft): Problem[] {
  const problems: Problem[] = [];
  if (!isValidTimeZone(draft.timezone)) problems.push({ path: 'timezone', kind: 'timezone' });
  if (!draft.alwaysOpen) {
    for (const day of kWeekdays) problems.push(...validateIntervals(draft.weekly[day], `weekly.${day}`));
  }
  const seen = new Set<string>();
  draft.exceptions.forEach((ex, index) => {
    if (!isValidDate(ex.date)) {
      problems.push({ path: `exceptions.${index}.date`, kind: 'date' });
    } else if (seen.has(ex.date)) {
      problems.push({ path: `exceptions.${index}.date`, kind: 'duplicate_date' });
    }
    seen.add(ex.date);
    if (!ex.closed) problems.push(...validateIntervals(ex.intervals, `exceptions.${index}.intervals`));
  });
  return problems;
}

function emptyWeek(): Record<Weekday, Interval[]> {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

/** Intervals the server sent that we cannot parse are kept verbatim so nothing is lost silently. */
function toIntervals(list: readonly string[] | undefined): Interval[] {
  return (list ?? []).map((s) => parseInterval(s) ?? { start: s, end: '' });
}

export function draftFromHours(hours: Hours | null | undefined, fallbackZone = 'UTC'): HoursDraft {
  const weekly = emptyWeek();
  if (hours?.weekly) for (const day of kWeekdays) weekly[day] = toIntervals(hours.weekly[day]);
  return {
    timezone: hours?.timezone || fallbackZone,
    alwaysOpen: !hours || hours.weekly === null,
    weekly,
    exceptions: (hours?.exceptions ?? []).map((ex) => ({
      date: ex.date,
      closed: ex.intervals.length === 0,
      intervals: toIntervals(ex.intervals),
    })),
  };
}

function sortedStrings(list: readonly Interval[]): string[] {
  return [...list]
    .sort((a, b) => (parseTime(a.start) ?? 0) - (parseTime(b.start) ?? 0))
    .map((i) => formatInterval({ start: formatTime(parseTime(i.start) ?? 0), end: formatTime(parseTime(i.end, true) ?? 0) }));
}

/** The body for PUT .../hours. Call only on a draft without problems. */
export function hoursFromDraft(draft: HoursDraft): Omit<Hours, 'open_now'> {
  let weekly: Record<Weekday, string[]> | null = null;
  if (!draft.alwaysOpen) {
    const w = {} as Record<Weekday, string[]>;
    for (const day of kWeekdays) w[day] = sortedStrings(draft.weekly[day]);
    weekly = w;
  }
  const exceptions = [...draft.exceptions]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((ex) => ({ date: ex.date, intervals: ex.closed ? [] : sortedStrings(ex.intervals) }));
  return { timezone: draft.timezone.trim(), weekly, exceptions };
}

/** A sensible new interval for a day: 09:00–18:00, or the two hours after the last one. */
export function nextInterval(list: readonly Interval[]): Interval {
  const last = list[list.length - 1];
  const lastEnd = last ? parseTime(last.end, true) : null;
  if (lastEnd === null) return { start: '09:00', end: '18:00' };
  const start = Math.min(lastEnd, kDay - 60);
  return { start: formatTime(start), end: formatTime(Math.min(start + 120, kDay)) };
}
