"""dlgrade: the course's autograder."""
import sys

# jsonschema (imported by nbformat, so by every grading process) builds some forty Lark
# parsers at import when rfc3987_syntax is installed: 2-4 s of CPU a process, for the
# "iri" string format, which no notebook or Jupyter schema uses. Marked missing, it is
# skipped as jsonschema skips any optional format checker it cannot import.
sys.modules.setdefault("rfc3987_syntax", None)
