import type { DocumentChange } from "../../../src/domain/document-diff";
import { Table } from "./table";

/** Changes between two documents, value by value (src/domain/document-diff.ts): History's and the draft's. */
export function ChangeTable({ changes, caption, showCaption = true }: { changes: DocumentChange[]; caption: string; showCaption?: boolean }) {
  return (
    <Table
      caption={caption}
      showCaption={showCaption}
      rows={changes}
      rowKey={(c) => `${c.kind}:${c.label}`}
      columns={[
        { header: "Where", rowHeader: true, cell: (c) => <code>{c.label}</code> },
        { header: "Change", cell: (c) => c.kind },
        { header: "Before", cell: (c) => ("before" in c ? <JsonValue value={c.before} /> : <span class="muted">—</span>) },
        { header: "After", cell: (c) => ("after" in c ? <JsonValue value={c.after} /> : <span class="muted">—</span>) },
      ]}
    />
  );
}

/** A value as JSON, cut at 240 characters. */
export function JsonValue({ value }: { value: unknown }) {
  const text = JSON.stringify(value) ?? "undefined";
  return <code class="json">{text.length > 240 ? `${text.slice(0, 239)}…` : text}</code>;
}
