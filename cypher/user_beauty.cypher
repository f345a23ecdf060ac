// User beauty b̄(i) (beautiful-and-damned §6): the mean beauty of the user's photos,
// written as User.beauty; also User.n_photos (all photos, scored or not) and
// User.favs_received (favourites on the user's photos from OTHER users, §5 / Fig. 1).
// avg() skips photos without beauty; a user without any scored photo gets beauty null
// (a previous value is cleared).  Same numbers as analysis/beauty.py (user_beauty,
// favorites_received).  No parameters.
MATCH (u:User)
OPTIONAL MATCH (u)-[:POSTED]->(p:Photo)
WITH u, avg(p.beauty) AS beauty, count(p) AS n_photos
OPTIONAL MATCH (u)-[:POSTED]->(:Photo)<-[f:FAVORITED]-(v:User)
WHERE v.id <> u.id
WITH u, beauty, n_photos, count(f) AS favs
SET u.beauty = beauty, u.n_photos = n_photos, u.favs_received = favs
RETURN count(u) AS users, count(beauty) AS with_beauty
