"""Path converters for the ids in the installation's addresses."""

# Ids are positive 64-bit integers; 18 digits stay below 2**63 on every database, so a longer
# or non-numeric value is simply not an address (404) instead of a database error.
ID_PATTERN = "[0-9]{1,18}"
MAX_ID = 10**18 - 1


class IdConverter:
    """`<id:name>`: a database id, matched only when every database can hold it."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
