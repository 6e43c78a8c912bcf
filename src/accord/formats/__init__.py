"""Other people's negotiation formats in and out (GENIUS XML, ...)."""
