import { useEffect, useMemo, useState } from "preact/hooks";
import type { ConfigDocument } from "../../src/domain/config";
import { diffDocuments, type DocumentChange } from "../../src/domain/document-diff";
import { mergeDocuments } from "../../src/domain/document-merge";
import type { JsonPath } from "../../src/domain/json-path";
import { activeConfig, ApiError, publishConfig, type VersionInfo, type VersionWithDocument } from "./api";
import { serverProblems, validateDraft, type DraftProblem } from "./draft";

/**
 * The one draft of the configuration that the Content and Rules pages edit and Try it can
 * evaluate: the document, and the active version it started from (`basedOn`, sent as
 * If-Match on publish). It is kept in this browser's localStorage, so a reload or a move
 * between pages loses nothing; nothing is stored on the server until Publish.
 *
 * Publishing when someone else published meanwhile answers 409: the store then holds a
 * `conflict` (their version and what they changed) and `reapply()` rebases the draft's own
 * changes onto their version (a three-way merge, src/domain/document-merge.ts); the user
 * reviews it and publishes again. Nothing is ever overwritten.
 */
export interface DraftState {
  basedOn: number;
  /** The document of version `basedOn`: what the draft's changes are counted against. */
  base: ConfigDocument;
  /** The draft itself: any JSON, valid or not (problems are shown where they are). */
  document: unknown;
}

export interface Conflict {
  /** The version that is active now, published by someone else after `basedOn`. */
  theirs: VersionWithDocument;
  /** What they changed, against the draft's base. */
  theirChanges: DocumentChange[];
}

export type PublishResult =
  | { ok: true; version: VersionInfo }
  | { ok: false; reason: "invalid"; problems: DraftProblem[] }
  | { ok: false; reason: "conflict"; conflict: Conflict };

const STORAGE_KEY = "leadflare.console.draft";

type Listener = () => void;
const listeners = new Set<Listener>();
let state: DraftState | null = readStored();
let conflict: Conflict | null = null;
let loading: Promise<void> | null = null;

function readStored(): DraftState | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<DraftState>;
    if (typeof parsed.basedOn !== "number" || typeof parsed.base !== "object" || parsed.base === null) return null;
    return { basedOn: parsed.basedOn, base: parsed.base, document: parsed.document };
  } catch {
    return null; // storage off or unreadable: start from the active version
  }
}

function set(next: DraftState | null, nextConflict: Conflict | null = conflict): void {
  state = next;
  conflict = nextConflict;
  try {
    if (next && !sameDocument(next)) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {} // storage full or off: the draft still lives in this tab
  listeners.forEach((listener) => listener());
}

function sameDocument(s: DraftState): boolean {
  return diffDocuments(s.base, s.document).length === 0;
}

/** Starts the draft from the active version, unless one is already held. */
function ensureLoaded(): Promise<void> {
  if (state) return Promise.resolve();
  loading ??= activeConfig()
    .then((active) => {
      if (!state) set({ basedOn: active.version, base: active.document, document: structuredClone(active.document) }, null);
    })
    .finally(() => {
      loading = null;
    });
  return loading;
}

/** Sets the value at `path` in the draft (creating objects on the way); `undefined` removes it. */
export function editDraft(path: JsonPath, value: unknown): void {
  if (!state) return;
  set({ ...state, document: setAt(state.document, path, value) });
}

/** Replaces the whole draft document (the raw JSON editor). */
export function replaceDraft(document: unknown): void {
  if (!state) return;
  set({ ...state, document });
}

/** Drops the draft's changes: it is the active version again (loaded fresh). */
export async function discardDraft(): Promise<void> {
  set(null, null);
  await ensureLoaded();
}

/** Publishes the draft with If-Match on `basedOn`; on success the draft restarts from the new version. */
export async function publishDraft(message: string): Promise<PublishResult> {
  if (!state) throw new Error("the draft is not loaded");
  const check = validateDraft(state.document);
  if (!check.ok) return { ok: false, reason: "invalid", problems: check.problems };
  try {
    const version = await publishConfig(check.document, state.basedOn, message || undefined);
    set({ basedOn: version.version, base: check.document, document: structuredClone(check.document) }, null);
    return { ok: true, version };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 422) return { ok: false, reason: "invalid", problems: serverProblems(error) };
    if (error.status === 409 || error.status === 412) {
      const theirs = await activeConfig();
      const found = { theirs, theirChanges: diffDocuments(state.base, theirs.document) };
      set(state, found);
      return { ok: false, reason: "conflict", conflict: found };
    }
    throw error;
  }
}

/**
 * After a conflict: the draft's own changes re-applied onto their version, which becomes the
 * base. Returns the places where the draft's value replaces a different one of theirs.
 */
export function reapplyDraft(): JsonPath[] {
  if (!state || !conflict) return [];
  const { document, overridden } = mergeDocuments(state.base, state.document, conflict.theirs.document);
  set({ basedOn: conflict.theirs.version, base: conflict.theirs.document, document }, null);
  return overridden;
}

/** After a conflict: their version, and the draft's changes dropped. */
export function reloadDraft(): void {
  if (!conflict) return;
  const theirs = conflict.theirs;
  set({ basedOn: theirs.version, base: theirs.document, document: structuredClone(theirs.document) }, null);
}

export interface DraftView {
  /** null while the active version loads. */
  draft: DraftState | null;
  /** The draft's changes against its base, value by value. */
  changes: DocumentChange[];
  /** Every problem of the draft, by the server's own schema. */
  problems: DraftProblem[];
  conflict: Conflict | null;
  failed: Error | null;
}

/** The shared draft for a page: re-renders on every change, from any page. */
export function useDraft(): DraftView {
  const [, setRound] = useState(0);
  const [failed, setFailed] = useState<Error | null>(null);
  useEffect(() => {
    const listener = () => setRound((n) => n + 1);
    listeners.add(listener);
    ensureLoaded().catch((error: unknown) => setFailed(error instanceof Error ? error : new Error(String(error))));
    return () => void listeners.delete(listener);
  }, []);
  const current = state;
  const changes = useMemo(() => (current ? diffDocuments(current.base, current.document) : []), [current]);
  const problems = useMemo(() => {
    if (!current) return [];
    const check = validateDraft(current.document);
    return check.ok ? [] : check.problems;
  }, [current]);
  return { draft: current, changes, problems, conflict, failed };
}

/** A copy of `document` with `value` at `path`; `undefined` deletes the key (or list item). */
export function setAt(document: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [step, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(document)) {
    const copy = [...document];
    const index = Number(step);
    if (value === undefined && rest.length === 0) copy.splice(index, 1);
    else copy[index] = setAt(copy[index], rest, value);
    return copy;
  }
  const object: Record<string, unknown> = typeof document === "object" && document !== null ? { ...(document as Record<string, unknown>) } : {};
  if (value === undefined && rest.length === 0) {
    delete object[String(step)];
    return object;
  }
  Object.defineProperty(object, String(step), { value: setAt(object[String(step)], rest, value), enumerable: true, writable: true, configurable: true });
  return object;
}
