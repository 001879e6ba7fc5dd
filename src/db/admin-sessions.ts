import { sql } from "drizzle-orm";
import { base64url } from "../domain/tokens";
import { d1Batch } from "./batch";

/** Admin console sessions in D1 (table `admin_sessions`, see ./schema.ts). Every method is one batch. */

export interface AdminSession {
  id: string;
  author: string;
  /** Epoch ms. */
  expiresAt: number;
}

export class AdminSessions {
  constructor(private readonly d1: D1Database) {}

  /** A new session for `author`, and, in the same batch, the end of every expired one. */
  async open(author: string, now: number, lifetimeMs: number): Promise<AdminSession> {
    const id = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const expiresAt = now + lifetimeMs;
    await d1Batch(this.d1, [
      sql`DELETE FROM admin_sessions WHERE expires_at <= ${now}`,
      sql`INSERT INTO admin_sessions (id, author, created_at, expires_at) VALUES (${id}, ${author}, ${now}, ${expiresAt})`,
    ]);
    return { id, author, expiresAt };
  }

  /** The session if it exists and has not expired. */
  async find(id: string, now: number): Promise<AdminSession | null> {
    const [rows] = await d1Batch(this.d1, [sql`SELECT id, author, expires_at FROM admin_sessions WHERE id = ${id} AND expires_at > ${now}`]);
    const row = (rows as { id: string; author: string; expires_at: number }[])[0];
    return row ? { id: row.id, author: row.author, expiresAt: row.expires_at } : null;
  }

  async close(id: string): Promise<void> {
    await d1Batch(this.d1, [sql`DELETE FROM admin_sessions WHERE id = ${id}`]);
  }
}
