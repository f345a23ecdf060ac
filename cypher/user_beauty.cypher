// User beauty b̄(i) (beautiful-and-damned §6): the mean score of the user's photos from ONE
// source, $source, whichever slot holds it (graphdb/beauty_slots.py): Photo.quality where
// Photo.quality_source = $source (the technical slot: 'brisque'), else Photo.beauty where
// Photo.beauty_source = $source (the aesthetic slot: 'nima:<sha8>', 'input',
// 'cnn:<checkpoint id>'; a beauty with no recorded source counts as 'unknown'); written as
// User.beauty with User.beauty_source = $source; also User.n_photos (all
// photos, scored or not) and User.favs_received (favourites on the user's photos from
// OTHER users, §5 / Fig. 1).  avg() skips photos without beauty from that source; a user
// without any gets beauty null (a previous value is cleared).  Same numbers as
// analysis/beauty.py (user_beauty, favorites_received) on the photos of that source.
// $source null means no photo has a beauty at all: then User.beauty and beauty_source
// are kept as stored (e.g. imported with `import-results`), never cleared; n_photos and
// favs_received are still written.
// Parameters: $source (string, or null when no photo has a beauty at all).
MATCH (u:User)
OPTIONAL MATCH (u)-[:POSTED]->(p:Photo)
WITH u,
     avg(CASE
             WHEN p.quality_source = $source THEN p.quality
             WHEN coalesce(p.beauty_source, 'unknown') = $source THEN p.beauty
         END) AS beauty,
     count(p) AS n_photos
OPTIONAL MATCH (u)-[:POSTED]->(:Photo)<-[f:FAVORITED]-(v:User)
WHERE v.id <> u.id
WITH u, beauty, n_photos, count(f) AS favs
SET u.beauty = CASE WHEN $source IS NULL THEN u.beauty ELSE beauty END,
    u.beauty_source = CASE
        WHEN $source IS NULL THEN u.beauty_source
        WHEN beauty IS NULL THEN NULL
        ELSE $source
    END,
    u.n_photos = n_photos, u.favs_received = favs
RETURN count(u) AS users, count(u.beauty) AS with_beauty
