// Where the photos' scores came from, per slot (graphdb/beauty_slots.py): one row per
// source of the aesthetic slot (Photo.beauty / beauty_source; 'unknown' for a beauty without
// a recorded source) and of the technical slot (Photo.quality / quality_source), with the
// number of photos that have a score from it.  No parameters.
MATCH (p:Photo)
WHERE p.beauty IS NOT NULL
RETURN coalesce(p.beauty_source, 'unknown') AS source, 'aesthetic' AS slot, count(p) AS n
UNION ALL
MATCH (p:Photo)
WHERE p.quality IS NOT NULL
RETURN coalesce(p.quality_source, 'unknown') AS source, 'technical' AS slot, count(p) AS n
