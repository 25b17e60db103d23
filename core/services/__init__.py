"""The only writers. Each public function takes the acting user, checks a permission,
runs in one transaction, appends an audit entry and raises a named error on bad input
with nothing written."""
