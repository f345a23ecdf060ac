// Why is $user an authority on $topic?  Share of its followers with interests who are
// interested in the topic (ALF Pass 1, topical-authorities §4.2).
MATCH (f:User)-[:FOLLOWS]->(a:User {id: $user})
WHERE EXISTS { MATCH (f)-[:INTERESTED_IN]->(:Topic) }
WITH a, count(DISTINCT f) AS with_interests,
     count(DISTINCT CASE WHEN EXISTS { MATCH (f)-[:INTERESTED_IN]->(:Topic {id: $topic}) } THEN f END) AS on_topic
RETURN a.id AS user, on_topic, with_interests,
       on_topic * 1.0 / with_interests AS pass1_share;
