// A typed round trip through the client generated from generated/openapi.json
// (openapi-typescript --enum + openapi-fetch) against a live server: create, list with a
// filter, get, patch, a 422 read as the typed error, delete, then get → 404.
//
//   METACORE_BASE_URL=http://127.0.0.1:8080 METACORE_TOKEN=… npx tsx smoke.ts
//
// `tsc --noEmit` (tsconfig.json) is half the check: the type-level assertions below fail to
// compile if an option set stops being a named enum or a field loses its enum type.
import createClient from "openapi-fetch";
import {
  ShowcaseCustomerTier,
  ShowcaseOrderStatus,
  TicketsTicketPriority,
  TicketsTicketStatus,
  type components,
  type operations,
  type paths,
} from "./schema.js";

type Schemas = components["schemas"];
type Ticket = Schemas["TicketsTicketsRow"];
type TicketCreate = Schemas["TicketsTicketsCreate"];
type TicketUpdate = Schemas["TicketsTicketsUpdate"];
type TicketStatus = Schemas["TicketsTicketStatus"];
type ErrorEnvelope = Schemas["ErrorEnvelope"];

// ---- compile-time checks: option sets are named enums, and the models use them ----------
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type EnumChecks = [
  Assert<Equals<Ticket["status"], TicketsTicketStatus>>,
  Assert<Equals<Ticket["priority"], TicketsTicketPriority>>,
  Assert<Equals<TicketCreate["status"], TicketsTicketStatus | null | undefined>>, // null: the default
  Assert<Equals<TicketUpdate["status"], TicketsTicketStatus | undefined>>,
  Assert<Equals<Schemas["ShowcaseOrdersRow"]["status"], ShowcaseOrderStatus>>,
  Assert<Equals<Schemas["ShowcaseCustomersRow"]["tier"], ShowcaseCustomerTier>>,
];
// A value outside the option set does not type-check (were the enum a plain `string`, this
// directive would be unused, which is itself a compile error).
// @ts-expect-error "on_fire" is not a TicketsTicketStatus
export const notAStatus: TicketStatus = "on_fire";

// ---- run-time checks -----------------------------------------------------------------------
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

let checks = 0;
function check(condition: boolean, what: string, detail?: unknown): asserts condition {
  checks += 1;
  if (!condition) {
    throw new Error(`check failed: ${what}${detail === undefined ? "" : `\n  got: ${JSON.stringify(detail)}`}`);
  }
}

/** The `data` of a response, or a failure naming the status and the typed error body. */
function expectData<D>(
  what: string,
  result: { data?: D; error?: ErrorEnvelope; response: Response },
  status: number,
): D {
  check(
    result.response.status === status && result.data !== undefined,
    `${what} answers ${status}`,
    { status: result.response.status, error: result.error },
  );
  return result.data;
}

/** The typed error body of a response expected to fail with `status`. */
function expectError(
  what: string,
  result: { data?: unknown; error?: ErrorEnvelope; response: Response },
  status: number,
): ErrorEnvelope {
  check(
    result.response.status === status && result.error !== undefined,
    `${what} answers ${status}`,
    { status: result.response.status, data: result.data },
  );
  return result.error;
}

const client = createClient<paths>({
  baseUrl: env("METACORE_BASE_URL"),
  headers: { Authorization: `Bearer ${env("METACORE_TOKEN")}` },
});
const reporter = "00000000-0000-4000-8000-000000000001";
// Unique per run: `number` is unique per organisation and searchable.
const run = `ts${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

// create
const input: TicketCreate = {
  number: `${run}-1`,
  title: "Printer on fire (TypeScript client)",
  description: "Created by clients/typescript/smoke.ts",
  reporter_id: reporter,
  status: TicketsTicketStatus.in_progress,
  priority: TicketsTicketPriority.urgent,
  due_at: "2027-01-02T03:04:05.000Z",
};
const created = expectData("create", await client.POST("/api/data/tickets", { body: input }), 201).data;
check(created.number === input.number, "create echoes number", created);
check(created.status === TicketsTicketStatus.in_progress, "create echoes status", created.status);
check(created.priority === TicketsTicketPriority.urgent, "create echoes priority", created.priority);
const id = created.id;
// A second row of this run with another status, which the filter must leave out.
const decoy = expectData(
  "create decoy",
  await client.POST("/api/data/tickets", {
    body: { number: `${run}-2`, title: "Decoy", reporter_id: reporter, status: TicketsTicketStatus.closed },
  }),
  201,
).data;
console.log(`created ${id} (${created.status}) and decoy ${decoy.id} (${decoy.status})`);

// get: the same values come back
const fetched: Ticket = expectData(
  "get",
  await client.GET("/api/data/tickets/{id}", { params: { path: { id } } }),
  200,
).data;
check(fetched.id === id, "get returns the row", fetched);
check(fetched.number === input.number && fetched.title === input.title, "get: number and title", fetched);
check(fetched.description === input.description, "get: description", fetched.description);
check(fetched.reporter_id === reporter, "get: reporter_id", fetched.reporter_id);
check(fetched.status === TicketsTicketStatus.in_progress, "get: status", fetched.status);
check(fetched.priority === TicketsTicketPriority.urgent, "get: priority", fetched.priority);
check(
  fetched.due_at !== null && Date.parse(fetched.due_at) === Date.parse(input.due_at ?? ""),
  "get: due_at is the same instant",
  fetched.due_at,
);
check(fetched.assignee_id === null && fetched.resolved_at === null, "get: unset columns are null", fetched);

// list with a filter: `f_status` is a declared (string) query parameter of `tickets.list`.
type ListQuery = NonNullable<operations["tickets.list"]["parameters"]["query"]>;
const filtered: ListQuery = {
  f_status: TicketsTicketStatus.in_progress,
  per_page: 200,
  sortBy: "created_at",
  order: "desc",
};
const page = expectData(
  "list f_status",
  await client.GET("/api/data/tickets", { params: { query: filtered } }),
  200,
);
check(page.data.length > 0, "filtered list is not empty", page.meta);
check(
  page.data.every((row) => row.status === TicketsTicketStatus.in_progress),
  "filtered list holds only in_progress rows",
  page.data.map((row) => row.status),
);
check(page.data.some((row) => row.id === id), "filtered list holds the created row");
check(!page.data.some((row) => row.id === decoy.id), "filtered list leaves out the decoy");
check(page.meta.total >= page.data.length && page.meta.per_page === 200, "list meta", page.meta);
// Narrowed to this run by search: exactly the created row; without the filter, both rows.
const mine: ListQuery = { search: run, f_status: TicketsTicketStatus.in_progress };
const ours = expectData(
  "list search+f_status",
  await client.GET("/api/data/tickets", { params: { query: mine } }),
  200,
);
check(ours.meta.total === 1 && ours.data[0]?.id === id, "search+filter: just the row", ours);
const both = expectData(
  "list search",
  await client.GET("/api/data/tickets", { params: { query: { search: run } } }),
  200,
);
check(
  both.meta.total === 2 && both.data.map((row) => row.id).sort().join() === [id, decoy.id].sort().join(),
  "search alone: both rows of this run",
  both,
);

// patch: the changed fields change, the others stay
const change: TicketUpdate = { status: TicketsTicketStatus.resolved, priority: TicketsTicketPriority.low };
const patched = expectData(
  "patch",
  await client.PATCH("/api/data/tickets/{id}", { params: { path: { id } }, body: change }),
  200,
).data;
check(
  patched.status === TicketsTicketStatus.resolved && patched.priority === TicketsTicketPriority.low,
  "patch answers the change",
  patched,
);
check(patched.title === input.title && patched.number === input.number, "patch keeps the other fields", patched);
const reread = expectData(
  "get after patch",
  await client.GET("/api/data/tickets/{id}", { params: { path: { id } } }),
  200,
).data;
check(reread.status === TicketsTicketStatus.resolved, "get after patch: status changed", reread.status);

// 422: a type-correct body the server refuses (an empty required string), read as the typed error
const invalid = expectError(
  "create with an empty title",
  await client.POST("/api/data/tickets", { body: { number: `${run}-3`, title: "", reporter_id: reporter } }),
  422,
);
check(invalid.success === false && invalid.error.code === "validation_failed", "422 error code", invalid.error);
const titleErrors = invalid.errors?.["title"];
check(titleErrors?.[0]?.code === "required", "422 names `title` with code `required`", invalid.errors);
check(Object.keys(invalid.errors ?? {}).join() === "title", "422 names only `title`", invalid.errors);

// delete, then get → 404
const deleted = expectData(
  "delete",
  await client.DELETE("/api/data/tickets/{id}", { params: { path: { id } } }),
  200,
);
check(deleted.success === true, "delete succeeds", deleted);
const gone = expectError(
  "get after delete",
  await client.GET("/api/data/tickets/{id}", { params: { path: { id } } }),
  404,
);
check(gone.error.code === "record_not_found", "404 error code", gone.error);
expectData(
  "delete decoy",
  await client.DELETE("/api/data/tickets/{id}", { params: { path: { id: decoy.id } } }),
  200,
);

console.log(`typescript client: ${checks} checks passed`);
