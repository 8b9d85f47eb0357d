"""Every error a user can hit, each with a message a person can act on.

Surfaces catch `WhosejobError`, print `str(err)` as one line and exit with `err.exit_code`.
"""


class WhosejobError(Exception):
    exit_code = 2


class UsageError(WhosejobError):
    """Bad input: an empty question, a malformed file, an unknown flag value."""


class CorpusError(WhosejobError):
    """A corpus file that cannot be read or is refused (encoding, size, symlink)."""


class TaxonomyError(WhosejobError):
    """The department taxonomy file is malformed, cyclic or ambiguous."""


class EvalCasesError(WhosejobError):
    """An eval case file that cannot be scored as written."""


class IndexMissing(WhosejobError):
    """No index yet: run `whosejob ingest`."""


class IndexMismatch(WhosejobError):
    """The index was built with another embedder; vector spaces are never mixed."""


class IngestBusy(WhosejobError):
    """Another ingest holds the lock."""


class StoreUnavailable(WhosejobError):
    """The Chroma server does not answer."""

    exit_code = 3


class ConfigError(WhosejobError):
    """A setting is missing or invalid (env var or flag)."""
