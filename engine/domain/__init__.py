"""Domain types: applications, check results, decisions and reasons. Pydantic models and enums, no I/O."""
