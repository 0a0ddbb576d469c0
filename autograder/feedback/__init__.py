"""Feedback reports from results.json: a student's (HTML and Markdown) and the class's (HTML)."""
from autograder.feedback.render import (class_html, load_results, student_html, student_markdown,
                                        write_class_report, write_student_feedback)

__all__ = ["class_html", "load_results", "student_html", "student_markdown",
           "write_class_report", "write_student_feedback"]
