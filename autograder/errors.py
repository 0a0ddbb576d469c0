"""Errors that carry a reason to the student."""
from __future__ import annotations


class StudentError(Exception):
    """The student's code failed, or returned something that cannot be graded.

    The message is shown to the student as the reason a test failed.
    """


class StudentTimeout(StudentError):
    """A call into the student's code ran past its time limit."""
