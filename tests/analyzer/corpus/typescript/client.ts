// An API client and a small repository layer.
import axios from "axios";
import { Pool } from "pg";
import { EventEmitter } from "node:events";

const pool = new Pool();

export class Sync extends EventEmitter { // expect: pattern:events
  start(): void {
    this.emit("started"); // expect: pattern:events
    this.pull().then(() => this.emit("done")); // expect: js.unhandled-promise
    void this.pull().then(() => this.emit("done")); // ok: js.unhandled-promise
  }

  async pull(): Promise<void> {
    const { data } = await axios.get("/api/items"); // expect: pattern:http-requests
    for (const item of data) {
      await pool.query("INSERT INTO items (name) VALUES ($1)", [item]); // ok: js.sql-injection
    }
  }

  async remove(table: string, id: number): Promise<void> {
    await pool.query("DELETE FROM " + table + " WHERE id = " + id); // expect: js.sql-injection
  }

  async find(id: string): Promise<string[]> {
    const rows = await pool.query<string>(`SELECT name FROM items WHERE id = '${id}'`); // expect: js.sql-injection
    return rows.rows;
  }
}

export class NotFoundError extends Error {} // expect: pattern:custom-exceptions

export async function loadAll(ids: number[]): Promise<unknown[]> {
  try {
    return await Promise.all(ids.map((id) => axios.get(`/api/items/${id}`))); // expect: pattern:promises
  } catch (error: unknown) {
    throw new NotFoundError(String(error));
  }
}
