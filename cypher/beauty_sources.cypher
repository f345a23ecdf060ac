// Where the photos' beauty scores came from: one row per Photo.beauty_source with the
// number of photos that have a beauty from it ('unknown' for a beauty without a recorded
// source).  No parameters.
MATCH (p:Photo)
WHERE p.beauty IS NOT NULL
RETURN coalesce(p.beauty_source, 'unknown') AS source, count(p) AS n
ORDER BY source
