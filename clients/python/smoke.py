"""A typed round trip through the client generated from generated/openapi.json
(openapi-python-client) against a live server: create, list with a filter, get, patch, a 422
read as the typed error, delete, then get -> 404.

    METACORE_BASE_URL=http://127.0.0.1:8080 METACORE_TOKEN=... python smoke.py

`mypy` (mypy.ini) is half the check: the `assert_type`s and the `type: ignore` below fail it if
an option set stops being a generated enum class or a field loses its enum type.
"""

from __future__ import annotations

import datetime
import os
import secrets
import sys
import time
from typing import TYPE_CHECKING, Any, TypeVar, assert_type
from uuid import UUID

from metacore_client import AuthenticatedClient
from metacore_client.api.tickets import (
    tickets_create,
    tickets_delete,
    tickets_get,
    tickets_list,
    tickets_patch,
)
from metacore_client.models import (
    DeletedEnvelope,
    ErrorEnvelope,
    ShowcaseCustomersRow,
    ShowcaseCustomerTier,
    ShowcaseOrdersRow,
    ShowcaseOrderStatus,
    TicketsTicketPriority,
    TicketsTicketsCreate,
    TicketsTicketsRow,
    TicketsTicketsRowCreated,
    TicketsTicketsRowEnvelope,
    TicketsTicketsRowPage,
    TicketsTicketStatus,
    TicketsTicketsUpdate,
)
from metacore_client.types import Response, Unset

T = TypeVar("T")


# ---- static checks (mypy): option sets are enum classes, and the models use them -------------
def _typed_fields(
    ticket: TicketsTicketsRow,
    update: TicketsTicketsUpdate,
    order: ShowcaseOrdersRow,
    customer: ShowcaseCustomersRow,
) -> None:
    assert_type(ticket.status, TicketsTicketStatus)
    assert_type(ticket.priority, TicketsTicketPriority)
    assert_type(update.status, TicketsTicketStatus | Unset)  # NOT NULL: never None
    assert_type(order.status, ShowcaseOrderStatus)
    assert_type(customer.tier, ShowcaseCustomerTier)


if TYPE_CHECKING:
    # A plain string is not a status: were the field a `str`, this ignore would be unused, which
    # `warn_unused_ignores` turns into an error.
    TicketsTicketsCreate(number="x", title="y", reporter_id=UUID(int=1), status="on_fire")  # type: ignore[arg-type]


# ---- run-time checks ---------------------------------------------------------------------------
checks = 0


def check(condition: bool, what: str, detail: Any = None) -> None:
    global checks
    checks += 1
    if not condition:
        got = "" if detail is None else f"\n  got: {detail!r}"
        sys.exit(f"check failed: {what}{got}")


def expect(what: str, response: Response[ErrorEnvelope | T], status: int, kind: type[T]) -> T:
    """The parsed body of a response expected to answer `status` with a `kind`."""
    parsed = response.parsed
    check(
        response.status_code == status and isinstance(parsed, kind),
        f"{what} answers {status} with {kind.__name__}",
        (response.status_code, parsed),
    )
    assert isinstance(parsed, kind)
    return parsed


def expect_error(what: str, response: Response[Any], status: int) -> ErrorEnvelope:
    """The parsed error envelope of a response expected to fail with `status`."""
    parsed = response.parsed
    check(
        response.status_code == status and isinstance(parsed, ErrorEnvelope),
        f"{what} answers {status} with ErrorEnvelope",
        (response.status_code, parsed),
    )
    assert isinstance(parsed, ErrorEnvelope)
    return parsed


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set")
    return value


def main() -> None:
    client = AuthenticatedClient(
        base_url=env("METACORE_BASE_URL"),
        token=env("METACORE_TOKEN"),
        raise_on_unexpected_status=True,
    )
    reporter = UUID("00000000-0000-4000-8000-000000000001")
    # Unique per run: `number` is unique per organisation and searchable.
    run = f"py{int(time.time() * 1000):x}{secrets.token_hex(3)}"

    # An unknown option is refused by the enum class itself.
    try:
        TicketsTicketStatus("on_fire")
        check(False, "TicketsTicketStatus refuses an unknown value")
    except ValueError:
        check(True, "TicketsTicketStatus refuses an unknown value")

    # create
    due = datetime.datetime(2027, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    body = TicketsTicketsCreate(
        number=f"{run}-1",
        title="Printer on fire (Python client)",
        description="Created by clients/python/smoke.py",
        reporter_id=reporter,
        status=TicketsTicketStatus.IN_PROGRESS,
        priority=TicketsTicketPriority.URGENT,
        due_at=due,
    )
    with client:
        created = expect(
            "create",
            tickets_create.sync_detailed(client=client, body=body),
            201,
            TicketsTicketsRowCreated,
        ).data
        check(created.number == body.number, "create echoes number", created)
        check(created.status is TicketsTicketStatus.IN_PROGRESS, "create echoes status", created.status)
        row_id = created.id
        # A second row of this run with another status, which the filter must leave out.
        decoy = expect(
            "create decoy",
            tickets_create.sync_detailed(
                client=client,
                body=TicketsTicketsCreate(
                    number=f"{run}-2",
                    title="Decoy",
                    reporter_id=reporter,
                    status=TicketsTicketStatus.CLOSED,
                ),
            ),
            201,
            TicketsTicketsRowCreated,
        ).data
        print(f"created {row_id} ({created.status}) and decoy {decoy.id} ({decoy.status})")

        # get: the same values come back, typed
        fetched = expect("get", tickets_get.sync_detailed(row_id, client=client), 200, TicketsTicketsRowEnvelope).data
        check(fetched.id == row_id, "get returns the row", fetched)
        check(fetched.number == body.number and fetched.title == body.title, "get: number and title", fetched)
        check(fetched.description == body.description, "get: description", fetched.description)
        check(fetched.reporter_id == reporter, "get: reporter_id", fetched.reporter_id)
        check(fetched.status is TicketsTicketStatus.IN_PROGRESS, "get: status", fetched.status)
        check(fetched.priority is TicketsTicketPriority.URGENT, "get: priority", fetched.priority)
        check(fetched.due_at == due, "get: due_at is the same instant", fetched.due_at)
        check(fetched.assignee_id is None and fetched.resolved_at is None, "get: unset columns are None", fetched)
        check(isinstance(fetched.created_at, datetime.datetime), "get: created_at parsed", fetched.created_at)

        # list with a filter: only matching rows, the created one among them, the decoy not
        page = expect(
            "list f_status",
            tickets_list.sync_detailed(
                client=client,
                f_status=TicketsTicketStatus.IN_PROGRESS.value,
                per_page=200,
                sort_by="created_at",
                order="desc",
            ),
            200,
            TicketsTicketsRowPage,
        )
        statuses = {row.status for row in page.data}
        check(statuses == {TicketsTicketStatus.IN_PROGRESS}, "filtered list holds only in_progress rows", statuses)
        ids = {row.id for row in page.data}
        check(row_id in ids, "filtered list holds the created row")
        check(decoy.id not in ids, "filtered list leaves out the decoy")
        check(page.meta.total >= len(page.data) and page.meta.per_page == 200, "list meta", page.meta)
        # Narrowed to this run by search: exactly the created row; without the filter, both rows.
        ours = expect(
            "list search+f_status",
            tickets_list.sync_detailed(client=client, f_status=TicketsTicketStatus.IN_PROGRESS.value, search=run),
            200,
            TicketsTicketsRowPage,
        )
        check(ours.meta.total == 1 and [row.id for row in ours.data] == [row_id], "search+filter: just the row", ours)
        both = expect("list search", tickets_list.sync_detailed(client=client, search=run), 200, TicketsTicketsRowPage)
        check(
            both.meta.total == 2 and {row.id for row in both.data} == {row_id, decoy.id},
            "search alone: both rows of this run",
            both,
        )

        # patch: the changed fields change, the others stay
        change = TicketsTicketsUpdate(status=TicketsTicketStatus.RESOLVED, priority=TicketsTicketPriority.LOW)
        patched = expect(
            "patch",
            tickets_patch.sync_detailed(row_id, client=client, body=change),
            200,
            TicketsTicketsRowEnvelope,
        ).data
        check(
            patched.status is TicketsTicketStatus.RESOLVED and patched.priority is TicketsTicketPriority.LOW,
            "patch answers the change",
            patched,
        )
        check(patched.title == body.title and patched.number == body.number, "patch keeps the other fields", patched)
        reread = expect(
            "get after patch", tickets_get.sync_detailed(row_id, client=client), 200, TicketsTicketsRowEnvelope
        ).data
        check(reread.status is TicketsTicketStatus.RESOLVED, "get after patch: status changed", reread.status)

        # 422: a type-correct body the server refuses (an empty required string), parsed as the
        # typed error envelope
        invalid = expect_error(
            "create with an empty title",
            tickets_create.sync_detailed(
                client=client,
                body=TicketsTicketsCreate(number=f"{run}-3", title="", reporter_id=reporter),
            ),
            422,
        )
        check(invalid.success is False and invalid.error.code == "validation_failed", "422 error code", invalid.error)
        check(not isinstance(invalid.errors, Unset), "422 carries field errors", invalid)
        assert not isinstance(invalid.errors, Unset)
        check(invalid.errors.additional_keys == ["title"], "422 names only `title`", invalid.errors)
        check(invalid.errors["title"][0].code == "required", "422: `title` is `required`", invalid.errors["title"])

        # delete, then get -> 404
        deleted = expect("delete", tickets_delete.sync_detailed(row_id, client=client), 200, DeletedEnvelope)
        check(deleted.success is True, "delete succeeds", deleted)
        gone = expect_error("get after delete", tickets_get.sync_detailed(row_id, client=client), 404)
        check(gone.error.code == "record_not_found", "404 error code", gone.error)
        expect("delete decoy", tickets_delete.sync_detailed(decoy.id, client=client), 200, DeletedEnvelope)

    print(f"python client: {checks} checks passed")


if __name__ == "__main__":
    main()
