"""The database's closed list of activities (``activity_type``, migration 0021 and later) agrees with
every regime module: a regime's list changed without a migration fails here."""
from __future__ import annotations

from sqlalchemy import text

from geo.regimes import get_regime, regime_names


def test_the_stored_closed_list_of_every_regime_is_the_regimes_own(connection):
    stored = {}
    for row in connection.execute(text("SELECT regime, code, item, form FROM activity_type")):
        stored.setdefault(row.regime, set()).add((row.code, row.item, row.form))
    for name in regime_names():
        listed = {(a.code, a.item, a.form.value) for a in get_regime(name).activities}
        assert stored.get(name) == listed, f"regime {name}: run a migration that stores its activity list"
    assert set(stored) <= set(regime_names())


def test_every_target_kind_a_regime_allows_can_be_stored(connection):
    """A kind an activity may aim at is a target column of ``assignment`` (the storage accepts it)."""
    columns = {r.column_name for r in connection.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'assignment'"))}
    for name in regime_names():
        for activity in get_regime(name).activities:
            missing = {kind for kind in activity.target_kinds if f"{kind}_id" not in columns}
            assert not missing, f"{name} {activity.code} aims at {missing}, which no assignment can name"
