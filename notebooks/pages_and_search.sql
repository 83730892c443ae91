-- Themes, bounce and search CTR in Spark SQL over the Cassandra catalog, for days FROM..TO:
-- bin/trailcast notebook notebooks/pages_and_search.sql --set from=2026-01-05 --set to=2026-01-11
-- @param from 1970-01-01
-- @param to 2999-12-31

-- Themes per landing page: the landing pages with the most sessions, the theme of their URL
-- (url_themes) and their bounce rate (bot sessions excluded, docs/definitions.md).
SELECT p.landing_page, coalesce(t.theme, 'unknown') AS theme, round(t.score, 3) AS theme_score,
  sum(p.sessions) AS sessions, round(sum(p.bounces) / sum(p.sessions), 3) AS bounce_rate
FROM cassandra.${keyspace}.page_metrics_by_day p
LEFT JOIN cassandra.${keyspace}.url_themes t ON t.url = p.landing_page
WHERE p.day BETWEEN DATE '${from}' AND DATE '${to}'
GROUP BY p.landing_page, t.theme, t.score
ORDER BY sessions DESC, p.landing_page
LIMIT 50;

-- Bounce by theme: the sessions landing on a page of each theme, and the share that bounced.
SELECT coalesce(t.theme, 'unknown') AS theme, sum(p.sessions) AS sessions, sum(p.bounces) AS bounces,
  round(sum(p.bounces) / sum(p.sessions), 3) AS bounce_rate,
  round(sum(p.engaged_sessions) / sum(p.sessions), 3) AS engaged_share
FROM cassandra.${keyspace}.page_metrics_by_day p
LEFT JOIN cassandra.${keyspace}.url_themes t ON t.url = p.landing_page
WHERE p.day BETWEEN DATE '${from}' AND DATE '${to}'
GROUP BY 1
ORDER BY sessions DESC;

-- Search CTR by theme: a query's theme is the theme of its results page URL (first page); CTR =
-- searches with a result click / searches.
WITH query_themes AS (
  SELECT lower(url_decode(parse_url(concat('http://', url), 'QUERY', 'q'))) AS query,
    max_by(theme, score) AS theme
  FROM cassandra.${keyspace}.url_themes
  WHERE url LIKE '%/search?%' AND parse_url(concat('http://', url), 'QUERY', 'page') IS NULL
  GROUP BY 1
)
SELECT coalesce(q.theme, 'unknown') AS theme, sum(s.searches) AS searches,
  sum(s.searches_with_click) AS searches_with_click,
  round(sum(s.searches_with_click) / sum(s.searches), 3) AS search_ctr,
  sum(s.zero_click_searches) AS zero_click_searches
FROM cassandra.${keyspace}.search_metrics_by_day s
LEFT JOIN query_themes q ON q.query = s.query
WHERE s.query <> '*' AND s.day BETWEEN DATE '${from}' AND DATE '${to}'
GROUP BY 1
ORDER BY searches DESC;
