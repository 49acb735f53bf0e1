"""Linking claims of the same days and place into incidents, and the per-side tally."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from dashboard.incidents import (
    incident_claims,
    incident_table,
    link_incidents,
    side_tally,
    tally_sentence,
)
from events.synthetic import synthetic_frame
from events.table import events_to_frame

DAY = dt.date(2020, 10, 4)
LAT, LON = 39.8153, 46.7519
KM_LAT = 1 / 111.32  # degrees of latitude per km


def link(events):
    frame = events_to_frame(events)
    return frame, link_incidents(frame)


def by_id(frame, incident):
    return dict(zip(frame["event_id"], incident, strict=True))


def test_same_place_same_day_different_sides_is_one_incident(make_event):
    frame, inc = link([
        make_event(event_id="arm", reporting_side="armenian"),
        make_event(event_id="aze", reporting_side="azerbaijani", claimant="Azerbaijani MoD"),
        make_event(event_id="tp", reporting_side="third_party", lon=None, lat=None,
                   geo_precision=None),  # same canonical place, no point
    ])
    ids = by_id(frame, inc)
    assert ids["arm"] != "" and ids["arm"] == ids["aze"] == ids["tp"]
    assert ids["arm"].startswith("inc-")


def test_one_side_alone_is_not_an_incident(make_event):
    _, inc = link([make_event(event_id="x"), make_event(event_id="y")])
    assert (inc == "").all()


def test_different_days_are_not_linked(make_event):
    _, inc = link([
        make_event(event_id="arm"),
        make_event(event_id="aze", reporting_side="azerbaijani",
                   event_date=DAY + dt.timedelta(days=1)),
    ])
    assert (inc == "").all()


def test_a_week_overlapping_the_day_is_linked_but_a_month_is_not(make_event):
    frame, inc = link([
        make_event(event_id="arm"),
        make_event(event_id="week", reporting_side="azerbaijani",
                   event_date=DAY - dt.timedelta(days=3), date_precision="week"),
        make_event(event_id="month", reporting_side="third_party",
                   event_date=DAY.replace(day=1), date_precision="month"),
    ])
    ids = by_id(frame, inc)
    assert ids["arm"] == ids["week"] != ""
    assert ids["month"] == ""


def test_a_week_joins_one_day_and_does_not_bridge_two(make_event):
    frame, inc = link([
        make_event(event_id="week", reporting_side="third_party",
                   event_date=DAY - dt.timedelta(days=3), date_precision="week"),
        make_event(event_id="arm1", event_date=DAY - dt.timedelta(days=1)),
        make_event(event_id="aze1", reporting_side="azerbaijani",
                   event_date=DAY - dt.timedelta(days=1)),
        make_event(event_id="arm2", event_date=DAY + dt.timedelta(days=1)),
        make_event(event_id="aze2", reporting_side="azerbaijani",
                   event_date=DAY + dt.timedelta(days=1)),
    ])
    ids = by_id(frame, inc)
    week = frame.set_index("event_id").loc["week"]
    assert week["date_start"] <= pd.Timestamp(DAY - dt.timedelta(days=1))
    assert week["date_end"] >= pd.Timestamp(DAY + dt.timedelta(days=1))  # holds both days
    assert ids["week"] == ids["arm1"] == ids["aze1"] != ""  # its first day with claims
    assert ids["arm2"] == ids["aze2"] != ""
    assert ids["arm2"] != ids["arm1"]


def test_a_front_of_claims_a_few_km_apart_is_not_one_incident(make_event):
    # Pairs of claims 3 km apart, pairs 6 km from each other, all on one day: every
    # claim is within 10 km of the next, but each belongs with its own pair.
    events = []
    for pair in range(10):
        for k, side in enumerate(("armenian", "azerbaijani")):
            events.append(make_event(event_id=f"p{pair}{side[:2]}", reporting_side=side,
                                     place=f"Village {pair}-{k}",
                                     lat=LAT + (pair * 9 + k * 3) * KM_LAT))
    frame, inc = link(events)
    sizes = inc[inc != ""].value_counts()
    assert len(sizes) == 10 and set(sizes) == {2}
    ids = by_id(frame, inc)
    assert all(ids[f"p{p}ar"] == ids[f"p{p}az"] for p in range(10))


@pytest.mark.parametrize(("km", "linked"), [(8, True), (15, False)])
def test_nearby_settlements_link_within_ten_km(make_event, km, linked):
    frame, inc = link([
        make_event(event_id="arm", place="Village A"),
        make_event(event_id="aze", reporting_side="azerbaijani", place="Village B",
                   lat=LAT + km * KM_LAT),
    ])
    assert (inc.iloc[0] != "" and inc.iloc[0] == inc.iloc[1]) is linked


def test_district_precision_links_only_by_name(make_event):
    frame, inc = link([
        make_event(event_id="arm", place="Village A"),
        make_event(event_id="aze", reporting_side="azerbaijani", place="Some District",
                   geo_precision="district", lat=LAT + 2 * KM_LAT),
    ])
    assert (inc == "").all()


def test_ids_do_not_depend_on_row_order(make_event):
    events = [make_event(event_id=f"e{i}", reporting_side=side)
              for i, side in enumerate(["armenian", "azerbaijani", "third_party"])]
    frame, inc = link(events)
    frame2, inc2 = link(events[::-1])
    assert by_id(frame, inc) == by_id(frame2, inc2)


def test_incident_table_and_claims(make_event):
    frame, inc = link([
        make_event(event_id="arm1", event_date=DAY),
        make_event(event_id="arm2", event_date=DAY, claimant="Artsakh Ombudsman"),
        make_event(event_id="aze", reporting_side="azerbaijani", claimant="Azerbaijani MoD",
                   lat=LAT + 0.01, evidence="Positions came under fire."),
        make_event(event_id="far", reporting_side="azerbaijani", place="Elsewhere",
                   lat=LAT + 1),
    ])
    table = incident_table(frame, inc)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["place"] == "Stepanakert"
    assert (row["armenian"], row["azerbaijani"], row["third_party"]) == (2, 1, 0)
    assert row["n_events"] == 3
    assert row["date_start"] == row["date_end"] == pd.Timestamp(DAY)
    claims = incident_claims(frame, inc, row["incident_id"])
    assert list(claims["armenian"]["claimant"]) == ["Armenian Defence Ministry",
                                                   "Artsakh Ombudsman"]
    assert list(claims["azerbaijani"]["evidence"]) == ["Positions came under fire."]
    assert claims["third_party"].empty


def test_side_tally_and_sentence(make_event):
    frame = events_to_frame(
        [make_event(event_id=f"a{i}") for i in range(41)]
        + [make_event(event_id=f"z{i}", reporting_side="azerbaijani") for i in range(37)]
        + [make_event(event_id=f"t{i}", reporting_side="third_party") for i in range(12)])
    tally = side_tally(frame)
    assert tally == {"armenian": 41, "azerbaijani": 37, "third_party": 12}
    assert tally_sentence(tally) == "Armenian side 41 claims, Azerbaijani side 37, third party 12"
    assert side_tally(frame.iloc[:0]) == {"armenian": 0, "azerbaijani": 0, "third_party": 0}
    assert tally_sentence({"armenian": 1}).startswith("Armenian side 1 claim,")


def _brute_force(frame: pd.DataFrame) -> list[set[str]]:
    """Incidents by the module's rules, one pair at a time (slow, obviously right)."""
    rows = list(frame.itertuples())
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def days(r):
        return r.date_start.date(), r.date_end.date()

    ok = [not pd.isna(r.date_start) and (r.date_end - r.date_start).days < 7 for r in rows]
    edges = []
    # Same place: same dates, or a span and the first day inside it with a one-day claim.
    for i, j in itertools.combinations(range(len(rows)), 2):
        a, b = rows[i], rows[j]
        if ok[i] and ok[j] and a.place != "" and a.place == b.place and days(a) == days(b):
            edges.append((i, j))
    for i, a in enumerate(rows):
        if not ok[i] or a.place == "" or a.date_start == a.date_end:
            continue
        inside = [j for j, b in enumerate(rows) if ok[j] and b.place == a.place
                  and b.date_start == b.date_end and a.date_start <= b.date_start <= a.date_end]
        if inside:
            first = min(rows[j].date_start for j in inside)
            edges += [(i, j) for j in inside if rows[j].date_start == first][:1]
    # Nearby: each settlement event of a day and its nearest other-side one of that day.
    located = [i for i, r in enumerate(rows) if ok[i] and r.geo_precision == "settlement"
               and not pd.isna(r.lon) and not pd.isna(r.lat) and r.date_start == r.date_end]
    lat0 = math.radians(float(np.mean([rows[i].lat for i in located])))
    for i in located:
        a = rows[i]
        best = None
        for j in located:
            b = rows[j]
            if b.reporting_side == a.reporting_side or days(a) != days(b):
                continue
            km = math.hypot((a.lon - b.lon) * 111.32 * math.cos(lat0), (a.lat - b.lat) * 111.32)
            if km <= 10 and (best is None or (km, j) < best):
                best = (km, j)
        if best is not None:
            edges.append((i, best[1]))
    for i, j in edges:
        parent[find(i)] = find(j)
    groups: dict[int, set[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), set()).add(i)
    return sorted(
        ({rows[i].event_id for i in g} for g in groups.values()
         if len({rows[i].reporting_side for i in g}) >= 2), key=min)


def test_matches_pairwise_check_on_synthetic_events():
    frame = synthetic_frame(1_500, seed=7)
    # Crowd the events into three months and a 100 x 100 km square so many of them link.
    rng = np.random.default_rng(7)
    n = len(frame)
    day = pd.Timestamp("2020-10-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    frame["event_date"] = day.where(frame["event_date"].notna())
    frame["date_start"] = frame["event_date"]
    span = frame["date_precision"].map({"day": 0, "week": 6, "month": 30, "year": 365})
    frame["date_end"] = frame["date_start"] + pd.to_timedelta(span, unit="D")
    frame["lon"] = np.where(frame["lon"].notna(), rng.uniform(46.2, 47.4, n), np.nan)
    frame["lat"] = np.where(frame["lat"].notna(), rng.uniform(39.3, 40.2, n), np.nan)
    frame["place"] = np.where(rng.random(n) < 0.5, "", "Site " + pd.Series(
        rng.integers(0, 300, n)).astype(str))
    inc = link_incidents(frame)
    got = sorted(({e for e, i in zip(frame["event_id"], inc, strict=True) if i == k}
                  for k in set(inc) - {""}), key=min)
    expected = _brute_force(frame)
    assert len(expected) > 10
    assert got == expected


def test_every_incident_has_two_sides_at_scale():
    frame = synthetic_frame(50_000, seed=2)
    inc = link_incidents(frame)
    linked = frame.assign(i=inc)[inc != ""]
    assert len(linked) > 1000
    assert linked.groupby("i")["reporting_side"].nunique().min() >= 2
    assert np.all((linked["date_end"] - linked["date_start"]).dt.days < 7)
    # One day per incident: its claims dated to a day all share that day.
    one_day = linked[linked["date_start"] == linked["date_end"]]
    assert one_day.groupby("i")["date_start"].nunique().max() == 1
