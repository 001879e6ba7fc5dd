import parseCsvText from "csv-simple-parser";
import type { AccountStore } from "../db/account-store";
import { ACCOUNT_BATCH_MAX, checkAccountRows, csvRecords, domainProblem, type AccountFields, type RowProblem } from "../domain/accounts";
import { formatPath } from "../domain/json-path";
import { ApiError } from "../errors";

/**
 * Uploading accounts (README "Accounts"): one account by PUT, or a list by JSON or CSV. Every
 * row is checked before anything is written; one bad row refuses the whole upload (422, each
 * problem naming its row and field), and the write is one transaction.
 */

export interface AccountServices {
  accounts: AccountStore;
  now: number;
  /** Whether a domain is a free-mail or disposable provider's (src/app/free-mail.ts). */
  isFreeMail: (domain: string) => boolean;
}

export async function putAccount(services: AccountServices, domain: string, fields: AccountFields) {
  const problem = domainProblem(domain, services.isFreeMail);
  if (problem) throw new ApiError(422, "validation_failed", "The account is not valid.", [{ path: "domain", message: problem }]);
  return services.accounts.upsert([{ ...fields, domain }], services.now);
}

/** A JSON list (`records`) or a CSV text with a header row. */
export async function uploadAccounts(services: AccountServices, input: { records: unknown[] } | { csv: string }) {
  const { records, problems } = "csv" in input ? parseCsv(input.csv) : { records: input.records, problems: [] };
  if (records.length > ACCOUNT_BATCH_MAX) {
    throw new ApiError(422, "validation_failed", `At most ${ACCOUNT_BATCH_MAX} accounts per upload (this one has ${records.length}).`);
  }
  if (records.length === 0 && problems.length === 0) throw new ApiError(422, "validation_failed", "The upload has no accounts.");
  const checked = checkAccountRows(records, services.isFreeMail);
  const all = [...problems, ...checked.problems];
  if (all.length > 0) {
    const csv = "csv" in input;
    throw new ApiError(422, "validation_failed", `${all.length} problem(s) in the upload; nothing was written.`, all.map((p) => detail(p, csv)));
  }
  return services.accounts.upsert(checked.rows, services.now);
}

/**
 * `rows[3].employees`, and for CSV also the line (the header is line 1): "line 5: ...". Rows
 * are counted from 0 among the data rows, as in the JSON upload.
 */
function detail(problem: RowProblem, csv: boolean): { path: string; message: string } {
  const [kind, index] = problem.path;
  const line = csv && kind === "rows" && typeof index === "number" ? `line ${index + 2}: ` : "";
  return { path: formatPath(problem.path), message: line + problem.message };
}

function parseCsv(text: string): { records: Record<string, unknown>[]; problems: RowProblem[] } {
  const input = text.replace(/^\uFEFF/, "");
  let table: string[][];
  try {
    table = parseCsvText(input, { header: false, infer: false }) as string[][];
  } catch (error) {
    // The parser names the character where it stopped ("Unexpected quote at index 57").
    const message = error instanceof Error ? error.message : String(error);
    const index = Number(/at index (\d+)/.exec(message)?.[1] ?? input.length);
    // (At the end of input, the last line's: not the empty one after its newline.)
    const line = input.slice(0, index).replace(/(\r\n|\r|\n)$/, "").split(/\r\n|\r|\n/).length;
    return { records: [], problems: [{ path: ["csv"], message: `line ${line}: ${message} (each row needs as many cells as the header; quote cells with , or ")` }] };
  }
  return csvRecords(table.map((cells) => cells.map((c) => c ?? "")));
}
