import { sql, type SQL } from "drizzle-orm";

/**
 * `events` stores its two UUIDs (lead_id, id) as their 16 bytes (./schema.ts). These convert
 * in SQL, so a lead found by a subquery (a visitor's, an email's) converts where it is found.
 * On lower-case UUIDs (every lead id and every stored event id) the two are inverse, so
 * equality, uniqueness and order (bytes compare as the hex text does) are those of the text.
 * `unhex` is in the SQL functions D1's SQLite allows (workerd's authorizer list).
 */
export function uuidBytes(uuid: SQL | string): SQL {
  return sql`unhex(replace(${uuid}, '-', ''))`;
}

/** The lower-case dashed text of 16 stored bytes (the form leads.id and the API use). */
export function uuidText(bytes: SQL): SQL {
  const hex = sql`hex(${bytes})`;
  return sql`lower(substr(${hex}, 1, 8) || '-' || substr(${hex}, 9, 4) || '-' || substr(${hex}, 13, 4) || '-' || substr(${hex}, 17, 4) || '-' || substr(${hex}, 21))`;
}
