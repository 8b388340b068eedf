// Order service for a small shop: smells a reviewer would point out.
const { exec, execFile } = require("child_process");
const fs = require("node:fs");
const express = require("express");
const lodash = require("lodash/fp");
const helpers = require("./helpers");

var orderCount = 0; // expect: js.var
let lastOrder = null;

function isEmpty(value) {
  if (value == null) { // ok: js.loose-equality
    return true;
  }
  if (typeof value == "string") { // ok: js.loose-equality
    return value.length == 0; // expect: js.loose-equality
  }
  return value != undefined && value.count === 0; // ok: js.loose-equality
}

function sameId(a, b) {
  return a.id != b.id ? false : true; // expect: js.loose-equality
}

function readConfig(path) {
  try {
    return JSON.parse(fs.readFileSync(path, "utf8"));
  } catch (err) {} // expect: js.empty-catch
  try {
    return JSON.parse(fs.readFileSync(`${path}.default`, "utf8"));
  } catch (err) {
    // A missing default file means "no configuration": fall through to {}.
  } // ok: js.empty-catch
  try {
    fs.unlinkSync(`${path}.lock`);
  } catch {} // ok: js.empty-catch
  return {};
}

function loadOrders(db) {
  console.log("loading orders"); // expect: js.console-log
  console.error("this one is fine: errors belong on stderr"); // ok: js.console-log
  db.fetchAll().then((rows) => helpers.index(rows)); // expect: js.unhandled-promise
  db.fetchAll().then(helpers.index).catch(helpers.report); // ok: js.unhandled-promise
  db.fetchAll().then(helpers.index, helpers.report); // ok: js.unhandled-promise
  db.fetchAll().then(helpers.index).finally(() => db.close()); // expect: js.unhandled-promise
  db.warmUp().catch(() => {}); // expect: js.empty-catch
  db.warmUp().catch(() => null); // ok: js.empty-catch
  return db.fetchAll().then((rows) => rows.length); // ok: js.unhandled-promise
}

async function refresh(db) {
  await db.fetchAll().then((rows) => rows.length); // ok: js.unhandled-promise
  for (var i = 0; i < 3; i++) { // expect: js.var
    orderCount += i;
  }
  debugger; // expect: js.debugger
  // debugger; // ok: js.debugger
}

function archive(name, done) {
  exec(`tar czf /backups/${name}.tgz /orders`, done); // expect: js.child-process
  exec("tar czf /backups/all.tgz /orders", done); // ok: js.child-process
  execFile("tar", ["czf", `/backups/${name}.tgz`, "/orders"], done); // ok: js.child-process
  const pattern = /order-(\d+)/;
  return pattern.exec(name); // ok: js.child-process
}

function legacyTimer(name) {
  setTimeout("refreshBadge('" + name + "')", 1000); // expect: js.eval
  setTimeout(() => refreshBadge(name), 1000); // ok: js.eval
  setInterval(refreshBadge, 500 + 500); // ok: js.eval
  return eval("(" + name + ")"); // expect: js.eval
}

function compile(body) {
  return new Function("order", body); // expect: js.eval
}

const globalObject = Function("return this")(); // ok: js.eval

const app = express();
app.get("/login/done", (req, res) => {
  res.redirect(req.query.next); // expect: js.open-redirect
});
app.get("/home", (req, res) => {
  res.redirect(302, "/dashboard"); // ok: js.open-redirect
});

module.exports = { isEmpty, sameId, readConfig, loadOrders, refresh, archive, globalObject };
