// The string tables and date formats the views after the launcher render with (widget/locale.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { format } from "../../widget/strings.ts";
import { dateFormat, stringTable } from "../../widget/locale.ts";

describe("stringTable", () => {
  const table = stringTable({ hello: "Hello", bye: "Bye {name}" });

  it("puts the overrides over the defaults", () => {
    assert.deepEqual(table({ hello: "Bonjour" }), { hello: "Bonjour", bye: "Bye {name}" });
  });

  it("merges once per overrides object: the same table while they stay, a new one when they change", () => {
    const overrides = { bye: "Salut {name}" };
    const first = table(overrides);
    assert.equal(table(overrides), first);
    assert.equal(format(first.bye, { name: "Ada" }), "Salut Ada");
    const next = table({ bye: "Ciao {name}" });
    assert.notEqual(next, first);
    assert.equal(next.bye, "Ciao {name}");
  });
});

describe("dateFormat", () => {
  it("formats as Intl.DateTimeFormat does, with one format per set of options", () => {
    const options: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit", timeZone: "UTC" };
    const at = Date.UTC(2026, 11, 1, 14, 5);
    assert.equal(dateFormat(options).format(at), new Intl.DateTimeFormat(undefined, options).format(at));
    assert.equal(dateFormat({ ...options }), dateFormat(options));
    assert.notEqual(dateFormat({ ...options, timeZone: "Asia/Tokyo" }), dateFormat(options));
  });

  it("throws RangeError for a time zone the runtime does not know", () => {
    assert.throws(() => dateFormat({ timeZone: "Mars/Olympus_Mons" }), RangeError);
  });
});
