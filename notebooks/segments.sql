-- Segments in Spark SQL over the Cassandra catalog (tables: cassandra.<keyspace>.<table>):
-- bin/trailcast notebook notebooks/segments.sql --set segment=theme:cooking --set theme=cooking
-- @param segment theme:music
-- @param theme music
-- @param window_days 28

-- Who is in the segment and why: per member, over the window up to the segment's newest computed
-- day, the pageviews of the theme, all themed pageviews and the days the theme was read (not
-- decayed: the score is the decayed share), with the CRM country and plan.
WITH asof AS (
  SELECT max(day) AS day FROM cassandra.${keyspace}.segment_sizes WHERE segment = '${segment}'
),
members AS (
  SELECT person_id, score, since FROM cassandra.${keyspace}.segment_members WHERE segment = '${segment}'
),
users AS (
  SELECT m.person_id, coalesce(b.identifier, m.person_id) AS user_id
  FROM members m LEFT JOIN cassandra.${keyspace}.person_by_identifier b ON b.person_id = m.person_id
),
themed AS (
  SELECT u.person_id, d.day, explode(d.theme_pageviews) AS (theme, n)
  FROM users u
  JOIN cassandra.${keyspace}.user_daily d ON d.user_id = u.user_id
  CROSS JOIN asof
  WHERE d.day > date_sub(asof.day, ${window_days}) AND d.day <= asof.day
)
SELECT m.person_id, round(m.score, 3) AS score, m.since,
  sum(CASE WHEN t.theme = '${theme}' THEN t.n ELSE 0 END) AS theme_pageviews,
  sum(t.n) AS themed_pageviews,
  count(DISTINCT CASE WHEN t.theme = '${theme}' THEN t.day END) AS days_with_theme,
  first(p.country) AS country, first(p.plan) AS plan
FROM members m
JOIN themed t ON t.person_id = m.person_id
LEFT JOIN cassandra.${keyspace}.person_profile p ON p.person_id = m.person_id
GROUP BY m.person_id, m.score, m.since
ORDER BY score DESC, m.person_id
LIMIT 50;

-- Every segment's size per day, for a trend chart.
SELECT day, segment, members, joined, left_count
FROM cassandra.${keyspace}.segment_sizes
ORDER BY day DESC, segment
LIMIT 500;
