# nbgrader configuration for the course. `dlgrade` loads this file itself
# (nbgrader's API does not) and adds the engine's settings (autograder.course.load_config).
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "dl-workshop"

# Students see a stub where the solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# A deleted grade cell is put back (and scored) instead of silently costing 0.
c.OverwriteCells.add_missing_cells = True

# Tampered grade cells (duplicated, renamed, re-flagged) are repaired before nbgrader
# restores them; otherwise nbgrader crashes and the whole submission fails.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "autograder.tamper.RepairCells",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "autograder.tamper.CellIds",  # cells OverwriteCells put back get ids (nbformat 4.5)
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Test cells run as trusted checks in the grader, never in the student's kernel.
c.Autograde.autograde_preprocessors = [
    "autograder.execute.TrustedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.TrustedExecute.timeout = 60          # seconds per student cell
# A graded kernel is killed, not asked to shut down: nothing in it is kept, and the polite
# request costs every submission 0.2 s (more with TensorFlow loaded) on the critical path.
c.TrustedExecute.shutdown_kernel = "immediate"
c.TrustedExecute.call_timeout = 10.0   # seconds per call the checks make into the kernel
# The kernel's own log (e.g. its plaintext-TCP warning) is not the student's output.
c.TrustedExecute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
