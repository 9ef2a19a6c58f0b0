// Pre-chat department choice (issue 4 §4): with two departments or more (and the site's setting
// on) the daemon lists them in the welcome; the widget asks the visitor to pick one before the
// first message, and that message carries the choice. Pure logic, no DOM.

export interface DepartmentOption {
  id: number;
  name: string;
}

/** welcome.site.departments → options; anything malformed is dropped (never trusted for HTML). */
export function parseDepartments(v: unknown): DepartmentOption[] {
  if (!Array.isArray(v)) return [];
  const out: DepartmentOption[] = [];
  for (const d of v) {
    if (typeof d !== 'object' || d === null) continue;
    const { id, name } = d as { id?: unknown; name?: unknown };
    if (typeof id === 'number' && Number.isInteger(id) && typeof name === 'string' && name !== '') out.push({ id, name });
  }
  return out;
}

interface ChoiceInput {
  site: { departments: DepartmentOption[] } | null;
  dialogId: number | null;
  messages: readonly unknown[];
  department: number | null;
}

/** Whether the widget must ask before the visitor can write (no dialog yet, nothing chosen). */
export function needsDepartmentChoice(s: ChoiceInput): boolean {
  if (!s.site || s.site.departments.length < 2) return false;
  if (s.dialogId !== null || s.messages.length > 0) return false;
  return !s.site.departments.some((d) => d.id === s.department);
}

/** The department to send with a message: only for the message that opens the dialog. */
export function departmentForMessage(s: ChoiceInput): number | null {
  if (s.dialogId !== null || !s.site) return null;
  return s.site.departments.some((d) => d.id === s.department) ? s.department : null;
}

/** The option to focus when the choice opens, and the next one for arrow keys (wraps). */
export function moveChoice(options: readonly DepartmentOption[], current: number, key: string): number {
  if (options.length === 0) return -1;
  if (key === 'ArrowDown' || key === 'ArrowRight') return (current + 1) % options.length;
  if (key === 'ArrowUp' || key === 'ArrowLeft') return (current - 1 + options.length) % options.length;
  if (key === 'Home') return 0;
  if (key === 'End') return options.length - 1;
  return current;
}
