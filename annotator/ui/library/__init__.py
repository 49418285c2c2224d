"""The Library window: search the teaching library, open cases, export lecture decks."""
