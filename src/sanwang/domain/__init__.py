"""Domain layer (领域层): value types, vocabularies, rules and state machines. Imports nothing of sanwang."""
