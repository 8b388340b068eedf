// Jest tests: nested describe/it blocks are structure, not callback hell.
const { isEmpty } = require("./orders");
const db = require("./db");

jest.mock("./db"); // expect: pattern:mocking

describe("isEmpty", () => { // expect: pattern:unit-tests
  describe("strings", () => {
    it("treats the empty string as empty", () => { // ok: js.nested-callbacks
      console.log("debug output in a test is fine"); // ok: js.console-log
      expect(isEmpty("")).toBe(true);
    });
  });

  it("loads rows", async () => {
    db.fetchAll.mockResolvedValue([]);
    await expect(db.fetchAll()).resolves.toEqual([]);
  });
});
