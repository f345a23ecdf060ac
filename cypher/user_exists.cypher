// Whether a user exists: one row with its id, none otherwise.  $id: the user id.
MATCH (u:User)
WHERE u.id = $id
RETURN u.id AS id
