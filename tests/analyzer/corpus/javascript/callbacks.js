// Node-style callbacks nested too deep, next to flat and test-style nesting.
const fs = require("fs");
const path = require("path");

function copyConfig(source, target, done) {
  fs.readFile(source, "utf8", (err, text) => {
    if (err) return done(err);
    fs.mkdir(path.dirname(target), { recursive: true }, (err2) => {
      if (err2) return done(err2);
      fs.writeFile(target, text, (err3) => { // expect: js.nested-callbacks
        done(err3);
      });
    });
  });
}

function countWords(files, done) {
  fs.readdir(files, (err, names) => {
    const counts = names.map((name) => name.split("-").filter((part) => part.length)); // ok: js.nested-callbacks
    done(err, counts);
  });
}

function makeCounter() {
  let count = 0;
  return () => { // expect: pattern:closures
    count += 1;
    return count;
  };
}

const add = (a) => (b) => a + b; // expect: pattern:closures

function waitFor(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms)); // expect: pattern:promises
}

module.exports = { copyConfig, countWords, makeCounter, add, waitFor };
