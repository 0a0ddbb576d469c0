"""Code that runs inside the student's kernel, kept apart from the trusted grader.

Nothing in this package may import the grader: `bridge.py` is sent into every
student kernel as source (the kernel end of the bridge: the codec and the
dispatcher), and `course_data.py` is written beside the notebooks of the
assignments that load data (the students' data loader, at home and in the
grader). The trusted side imports them for the shared codec and the split rule,
never the other way round.
"""
