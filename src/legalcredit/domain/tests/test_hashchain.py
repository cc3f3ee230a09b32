from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.hashchain import GENESIS, entry_hash, verify

payloads = st.lists(st.fixed_dictionaries({"actor": st.text(max_size=8), "action": st.sampled_from(
    ["create", "update", "read"]), "n": st.integers()}), min_size=2, max_size=12)


def chain(payloads):
    rows, prev = [], GENESIS
    for i, p in enumerate(payloads, start=1):
        h = entry_hash(prev, {**p, "seq": i})
        rows.append((i, prev, h, {**p, "seq": i}))
        prev = h
    return rows


@given(payloads)
def test_an_untouched_chain_verifies(ps):
    assert verify(chain(ps)) == (len(ps), None)


@given(payloads, st.data())
def test_any_edit_is_found_at_that_entry(ps, data):
    rows = chain(ps)
    i = data.draw(st.integers(0, len(rows) - 1))
    seq, prev, h, fields = rows[i]
    rows[i] = (seq, prev, h, {**fields, "actor": fields["actor"] + "x"})
    count, problem = verify(rows)
    assert (count, problem.seq, problem.kind) == (i, seq, "altered")


@given(payloads, st.data())
def test_any_deletion_is_found(ps, data):
    rows = chain(ps)
    i = data.draw(st.integers(0, len(rows) - 2))
    del rows[i]
    count, problem = verify(rows)
    assert problem is not None and problem.seq == i + 1 and problem.kind == "missing"


@given(payloads, st.data())
def test_deleting_the_last_entries_and_renumbering_is_found(ps, data):
    """Someone removes entry i and renumbers the rest to hide the gap."""
    rows = chain(ps)
    i = data.draw(st.integers(0, len(rows) - 2))
    rest = [(s - 1, p, h, f) for s, p, h, f in rows[i + 1:]]
    count, problem = verify(rows[:i] + rest)
    assert problem is not None and problem.seq == i + 1


@given(payloads, st.data())
def test_any_swap_of_two_entries_is_found(ps, data):
    rows = chain(ps)
    i = data.draw(st.integers(0, len(rows) - 2))
    a, b = rows[i], rows[i + 1]
    # Swap the contents but keep the sequence numbers in order, as a reorder would.
    rows[i], rows[i + 1] = (a[0], b[1], b[2], b[3]), (b[0], a[1], a[2], a[3])
    count, problem = verify(rows)
    assert problem is not None and problem.seq == i + 1
