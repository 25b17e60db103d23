"""Read-only questions: filters in, plain frozen dataclasses out (never models)."""
