// ALF Pass 1 (topical-authorities-instagram-alf.txt §4.2, Algorithm 1, Eq. 4): the
// explainable authority score F^e_tv = share of v's followers *with interests* who are
// interested in t.  Interests are INTERESTED_IN relationships whose source is in $sources
// (e.g. ['bio'] or ['bio', 'tags']).  $user_id / $topic_id restrict to one account / one
// topic; pass "" for all (an empty string, not null: LadybugDB types a null parameter
// as BOOL).  Only (v, t) pairs with at least one interested follower are returned (the
// others score 0).  Equals analysis.alf.algorithm1(...).F_e.
MATCH (u:User)-[:FOLLOWS]->(v:User)
WHERE ($user_id = "" OR v.id = $user_id)
  AND EXISTS { MATCH (u)-[i:INTERESTED_IN]->(:Topic) WHERE i.source IN $sources }
WITH v, count(DISTINCT u) AS with_interests
MATCH (f:User)-[:FOLLOWS]->(v)
MATCH (f)-[j:INTERESTED_IN]->(t:Topic)
WHERE j.source IN $sources AND ($topic_id = "" OR t.id = $topic_id)
WITH v, t, with_interests, count(DISTINCT f) AS interested
RETURN v.id AS user_id, t.id AS topic_id, interested, with_interests,
       1.0 * interested / with_interests AS score
ORDER BY user_id, topic_id
