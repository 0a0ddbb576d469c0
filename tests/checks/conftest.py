"""The `grader` fixture of the assignment tests (assignment_graders.py)."""
from assignment_graders import grader  # noqa: F401
