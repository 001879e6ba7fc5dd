import { sql } from "drizzle-orm";
import { d1Batch } from "./batch";

export interface LeadListing {
  email: string;
  createdAt: number;
  updatedAt: number;
}

/** Finding known leads by email, for the console's search. */
export class LeadDirectory {
  constructor(private readonly d1: D1Database) {}

  /**
   * Known leads whose (lower-case) email starts with `prefix`, in email order, after `after`
   * (the last email of the previous page). A range on the email's unique index: cost follows
   * the page, not the table (`char(1114111)` sorts after every character's UTF-8).
   */
  async searchByEmailPrefix(prefix: string, limit: number, after = ""): Promise<LeadListing[]> {
    const [rows] = await d1Batch(this.d1, [
      sql`SELECT email, created_at AS createdAt, updated_at AS updatedAt FROM leads
          WHERE email >= ${prefix} AND email < ${prefix} || char(1114111) AND email > ${after}
          ORDER BY email LIMIT ${limit}`,
    ]);
    return rows as LeadListing[];
  }
}
