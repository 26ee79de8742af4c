"""One lock per cycle: every write inside a cycle and every transition serialises on its row.

The mechanism, in one rule: **a function that changes a cycle, or anything recorded in it,
calls** :func:`lock_cycle` **first, and checks its conditions after** (``ensure_open``,
``unmet_conditions``, ``reopen_refusals``…). A new recording function adopts it with one line::

    def record_something(cycle: Cycle, ...) -> Something:
        lock_cycle(cycle)       # waits for any other writer in this cycle, then reloads
        ensure_open(cycle)      # so this check reads the state that holds until commit
        ...

``lock_cycle`` flushes what the session holds, takes the cycle row's lock
(``SELECT … FOR UPDATE`` on PostgreSQL; the lock is held until the transaction ends) and reloads
the cycle and everything loaded in the session, so the conditions are re-checked against what
other writers committed before the lock was granted. Two writers in the same cycle therefore
run one after the other: a leader completing module 1 and a teacher adding an action to it can
no longer both succeed, and a reopening cannot relock a module a meeting is being recorded in.

A transition that touches two cycles (reopen: the cycle and the next one) locks them in the
order of their position, like every other caller, so two transitions never wait on each other
in a circle. SQLite has no row locks; it serialises writers on the whole database.
"""

from __future__ import annotations

from sqlalchemy import select

from learningpack.extensions import db
from learningpack.models import Cycle


def lock_cycle(cycle: Cycle) -> Cycle:
    """Lock the cycle's row until the transaction ends and reload it (and what it holds)."""
    db.session.flush()
    cycle_id = cycle.id
    # Objects read before the lock may be stale: reload them lazily from now on. Each statement
    # after the lock is granted sees what the other writer committed (READ COMMITTED).
    db.session.expire_all()
    db.session.execute(select(Cycle.id).where(Cycle.id == cycle_id).with_for_update())
    db.session.refresh(cycle)
    return cycle
