"""What trailcast's notebooks share: a session to the keyspace and CQL results as pandas frames.

Where to read from comes from the environment, so that the same notebook opens the demo, a test's
keyspace or a cluster:
- TRAILCAST_CASSANDRA: contact points, host[:port][,host[:port]...] (default 127.0.0.1:9042, the
  embedded node of `bin/trailcast cassandra start`);
- TRAILCAST_KEYSPACE: the keyspace (default trailcast_demo, the demo's);
- TRAILCAST_FROM and TRAILCAST_TO: the window of days (default: the aggregated days).
"""
import datetime
import os

import pandas as pd
from cassandra.cluster import Cluster
from cassandra.query import dict_factory
from cassandra.util import Date, OrderedMapSerializedKey, SortedSet


def connect():
    """A session to the keyspace, rows as dicts."""
    hosts, port = [], 9042
    for point in os.environ.get("TRAILCAST_CASSANDRA", "127.0.0.1:9042").split(","):
        host, _, given = point.strip().partition(":")
        hosts.append(host)
        port = int(given) if given else port
    keyspace = os.environ.get("TRAILCAST_KEYSPACE", "trailcast_demo")
    session = Cluster(hosts, port=port).connect(keyspace)
    session.row_factory = dict_factory
    return session


def _plain(value):
    """Driver types as Python's own: dates, dicts, lists."""
    if isinstance(value, Date):
        return value.date()
    if isinstance(value, OrderedMapSerializedKey):
        return dict(value)
    if isinstance(value, SortedSet):
        return list(value)
    return value


def frame(session, cql, *params):
    """The rows of one CQL statement as a DataFrame (empty, with no columns, when there are none)."""
    rows = [{k: _plain(v) for k, v in row.items()} for row in session.execute(cql, params)]
    return pd.DataFrame(rows)


def window(session):
    """(first, last) day: TRAILCAST_FROM/TRAILCAST_TO, else the days the aggregate has run for."""
    days = sorted(_plain(r["day"]) for r in session.execute("SELECT day FROM aggregated_days"))
    if not days and not os.environ.get("TRAILCAST_FROM"):
        raise SystemExit("no aggregated day in this keyspace: run bin/trailcast aggregate first")
    first = datetime.date.fromisoformat(os.environ["TRAILCAST_FROM"]) if os.environ.get("TRAILCAST_FROM") else days[0]
    last = datetime.date.fromisoformat(os.environ["TRAILCAST_TO"]) if os.environ.get("TRAILCAST_TO") else days[-1]
    return first, last


def days(first, last):
    """Every day of first..last."""
    return [first + datetime.timedelta(n) for n in range((last - first).days + 1)]


def sites(session, table):
    """The sites a (site, day)-partitioned table holds."""
    return sorted({r["site"] for r in session.execute(f"SELECT DISTINCT site, day FROM {table}")})


def per_day(session, table, first, last, where=""):
    """Every row of a (site, day)-partitioned table over first..last."""
    parts = [frame(session, f"SELECT * FROM {table} WHERE site = %s AND day = %s {where}", site, day)
             for site in sites(session, table) for day in days(first, last)]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def segment_members(session, segment):
    """The members of one segment (its 16 buckets)."""
    return frame(session, "SELECT person_id, score, since, last_qualified FROM segment_members "
                 "WHERE segment = %s AND bucket IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)", segment)


def largest_segment(session):
    """TRAILCAST_SEGMENT, else the segment with most members on its newest day."""
    if os.environ.get("TRAILCAST_SEGMENT"):
        return os.environ["TRAILCAST_SEGMENT"]
    newest = frame(session, "SELECT segment, day, members FROM segment_sizes PER PARTITION LIMIT 1")
    if newest.empty:
        raise SystemExit("no segment computed in this keyspace: run bin/trailcast segments first")
    return newest.sort_values(["members", "segment"], ascending=[False, True]).iloc[0]["segment"]
