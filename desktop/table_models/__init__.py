"""One small table model per table: DisplayRole shows text, SORT_ROLE holds the raw
value (date, int) so sorting is by value, not by its text."""
