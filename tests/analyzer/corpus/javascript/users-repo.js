// Data access with node-postgres, knex and Prisma: built SQL next to parameterised SQL.
import pg from "pg";
import knex from "knex";
import { PrismaClient, Prisma } from "@prisma/client";

const pool = new pg.Pool();
const db = knex({ client: "pg" });
const prisma = new PrismaClient();

export async function findUser(id) {
  const result = await pool.query(`SELECT * FROM users WHERE id = ${id}`); // expect: js.sql-injection
  return result.rows[0];
}

export async function findByEmail(email) {
  return pool.query("SELECT * FROM users WHERE email = '" + email + "'"); // expect: js.sql-injection
}

const USERS_TABLE = "users";

export async function findSafe(id) {
  return pool.query("SELECT * FROM users WHERE id = $1", [id]); // ok: js.sql-injection
}

export async function countUsers() {
  return pool.query(`SELECT count(*) FROM ${USERS_TABLE}`); // ok: js.sql-injection
}

export async function findMany(ids) {
  const marks = ids.map((_, i) => `$${i + 1}`).join(", ");
  return pool.query(`SELECT * FROM users WHERE id IN (${marks})`, ids); // ok: js.sql-injection
}

export async function search(name, order) {
  const sql = `SELECT id, name FROM users WHERE name LIKE '%${name}%'`; // expect: js.sql-injection
  const rows = await pool.query(sql);
  const label = `Found users named ${name}`; // ok: js.sql-injection
  console.info(label); // expect: js.console-log
  return db("users").orderByRaw(`${order} desc`).then(() => rows); // expect: js.sql-injection
}

export async function byPrisma(email, table) {
  await prisma.$queryRaw`SELECT * FROM users WHERE email = ${email}`; // ok: js.sql-injection
  await prisma.$queryRaw(Prisma.sql`SELECT * FROM users WHERE email = ${email}`); // ok: js.sql-injection
  return prisma.$queryRawUnsafe(`SELECT * FROM ${table} WHERE email = '${email}'`); // expect: js.sql-injection
}

export function message(name) {
  return logger.execute(`Hello ${name}, your report is ready`); // ok: js.sql-injection
}
