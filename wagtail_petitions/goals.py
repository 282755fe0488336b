"""The goal shown next to a count: the editor's goal until it is reached, then the next milestone above the count.

``PetitionPageMixin.get_displayed_goal`` can call ``displayed_goal``; the embed also applies it to whatever goal it
is given, so a reached goal never shows as a full bar with nothing left to aim for.
"""

# Milestones: 1, 2, 5 times a power of ten (..., 1 000, 2 000, 5 000, 10 000, ...).
MILESTONE_STEPS = (1, 2, 5)


def next_milestone(count: int) -> int:
    """The smallest milestone strictly above ``count``."""
    power = 1
    while True:
        for step in MILESTONE_STEPS:
            if step * power > count:
                return step * power
        power *= 10


def displayed_goal(goal: int, count: int) -> int:
    """``goal`` while the count is below it, else the next milestone above the count."""
    goal = max(int(goal or 0), 1)
    return goal if count < goal else next_milestone(count)
