// Whether ALF has written authorities: one row when any AUTHORITY_ON exists, none otherwise.
MATCH (:User)-[r:AUTHORITY_ON]->(:Topic)
RETURN r.rank AS r
LIMIT 1
