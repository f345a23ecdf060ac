// The propagated interests (`interests propagate`): one row per user and topic.  No parameters.
MATCH (u:User)-[r:INTERESTED_IN]->(t:Topic)
WHERE r.source = 'propagated'
RETURN u.id AS user_id, t.id AS topic_id, r.score AS score, r.rank AS rank
