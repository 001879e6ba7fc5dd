import type { ComponentChildren } from "preact";

export interface Column<Row> {
  header: ComponentChildren;
  cell: (row: Row) => ComponentChildren;
  /** Row headers (`<th scope="row">`) name the row for screen readers: usually the first column. */
  rowHeader?: boolean;
}

export interface TableProps<Row> {
  /** What the table is: its caption, and the name of its scrolling region. */
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string | number;
  empty?: ComponentChildren;
  /** Shown visually (default); hidden, the caption is still read. */
  showCaption?: boolean;
  /**
   * On a phone, each row as a block of labelled cells (the column's header before each
   * value) instead of a region that scrolls sideways: for tables whose rows read as records.
   */
  stackOnPhone?: boolean;
}

/**
 * A data table in a region that scrolls sideways on a narrow screen; the region can be
 * focused, so the keyboard can scroll it too.
 */
export function Table<Row>({ caption, columns, rows, rowKey, empty = "Nothing yet.", showCaption = true, stackOnPhone = false }: TableProps<Row>) {
  const label = (column: Column<Row>) => (stackOnPhone && typeof column.header === "string" ? column.header : undefined);
  return (
    <div class={stackOnPhone ? "table-scroll table-stacked" : "table-scroll"} role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption class={showCaption ? undefined : "visually-hidden"}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column, i) =>
                  column.rowHeader ? (
                    <th key={i} scope="row" data-label={label(column)}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={i} data-label={label(column)}>
                      {column.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
