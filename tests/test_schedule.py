"""Deadlines, statuses, lateness, the backward plan and the projection of one cycle (reporting year 2025)."""

from datetime import datetime

import pytest

from lkj_xl.core.worktime import build_calendar
from lkj_xl.core.entries import Cycle, StepRecord
from lkj_xl.core.schedule import (
    CYCLE_AT_RISK, CYCLE_DELIVERED, CYCLE_LATE, CYCLE_ON_TRACK, STATUS_DONE, STATUS_DONE_LATE, STATUS_DONE_ON_TIME,
    STATUS_NOT_STARTED, STATUS_OVERDUE, STATUS_RUNNING, default_deadline, schedule_cycle,
)
from lkj_xl.core.sop import DEFAULT_SOP

dt = datetime


@pytest.fixture(scope="module")
def cal():
    return build_calendar(range(2025, 2031))


def run(cal, records, as_of, deadline=None):
    return schedule_cycle(DEFAULT_SOP, cal, Cycle(2025, tuple(StepRecord(*r) for r in records)), as_of, deadline)


def test_default_deadline_is_end_of_last_working_day_of_march(cal):
    assert default_deadline(2025, cal) == dt(2026, 3, 31, 16, 0)  # Tuesday
    # 31 March 2029 is a Saturday and Friday 30 March 2029 is Good Friday (Wafat Yesus Kristus)
    assert default_deadline(2028, cal) == dt(2029, 3, 29, 16, 0)


def test_nothing_recorded(cal):
    res = run(cal, [], dt(2026, 1, 5, 9, 0))
    assert [s.status for s in res.steps] == [STATUS_NOT_STARTED] * 8
    assert all(s.start is None and s.due is None and s.late_minutes == 0 for s in res.steps)
    assert res.current.step == 1
    assert res.overall == CYCLE_ON_TRACK and not res.at_risk


def test_hand_over_start_due_and_statuses(cal):
    res = run(cal, [
        (1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 4)),  # 4 of 5 minutes
        (2, None, dt(2026, 1, 5, 11, 0)),  # starts at step 1's Selesai 08:04, due 10:04, 56 minutes late
        (3, dt(2026, 1, 6, 8, 0), None),  # running, due 10 working days later
    ], dt(2026, 1, 12, 9, 0))
    s1, s2, s3, s4 = res.steps[:4]
    assert (s1.start, s1.due, s1.status, s1.late_minutes, s1.actual_minutes) == (
        dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 5), STATUS_DONE_ON_TIME, 0, 4)
    assert (s2.start, s2.due, s2.status, s2.late_minutes, s2.actual_minutes) == (
        dt(2026, 1, 5, 8, 4), dt(2026, 1, 5, 10, 4), STATUS_DONE_LATE, 56, 176)
    # 6 Jan + 10 working days, 16 Jan (Isra Mikraj) skipped
    assert (s3.due, s3.status, s3.late_minutes) == (dt(2026, 1, 21, 8, 0), STATUS_RUNNING, 0)
    assert s4.status == STATUS_NOT_STARTED and s4.start is None
    assert res.current.step == 3


def test_running_past_due_is_overdue_with_working_minutes_late(cal):
    res = run(cal, [(1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 5)), (2, dt(2026, 1, 5, 9, 0), None)],
              dt(2026, 1, 5, 14, 0))
    s2 = res.steps[1]
    # due 11:00; at 14:00 the break 12-13 does not count: 2 working hours late
    assert (s2.due, s2.status, s2.late_minutes) == (dt(2026, 1, 5, 11, 0), STATUS_OVERDUE, 120)
    # a step overdue now is a fact of its own; the cycle is judged against the final deadline only
    assert res.overdue_steps == (2,) and res.overall == CYCLE_ON_TRACK


def test_finishing_after_hours_past_a_closing_due_is_not_late(cal):
    # step 8: 15 minutes from 15:45 is due at 16:00 closing time; finishing at 16:20 costs no working minute
    res = run(cal, [(8, dt(2026, 3, 2, 15, 45), dt(2026, 3, 2, 16, 20))], dt(2026, 3, 3, 9, 0))
    assert res.steps[7].due == dt(2026, 3, 2, 16, 0)
    assert res.steps[7].status == STATUS_DONE_ON_TIME and res.steps[7].late_minutes == 0


def test_step_without_standard(cal):
    res = run(cal, [(3, dt(2026, 1, 6, 8, 0), dt(2026, 1, 19, 8, 0)),
                    (4, None, dt(2026, 2, 2, 10, 0))], dt(2026, 2, 3, 9, 0))
    s4, s5 = res.steps[3], res.steps[4]
    assert (s4.start, s4.due, s4.status, s4.late_minutes) == (dt(2026, 1, 19, 8, 0), None, STATUS_DONE, 0)
    assert (s5.start, s5.due, s5.status) == (dt(2026, 2, 2, 10, 0), None, STATUS_RUNNING)


def test_latest_finish_is_planned_backward_from_the_deadline(cal):
    res = run(cal, [], dt(2026, 1, 5, 9, 0))
    latest = [s.latest_finish for s in res.steps]
    assert latest == [
        dt(2026, 3, 10, 8, 45),  # 120 minutes before step 2's latest finish
        dt(2026, 3, 10, 10, 45),  # 10 working days before 31 March 10:45 (18-24 March are holidays)
        dt(2026, 3, 31, 10, 45),  # steps 4 and 5 have no standard: they take no time in the plan
        dt(2026, 3, 31, 10, 45),
        dt(2026, 3, 31, 10, 45),  # 180 minutes before 14:45, over the 12-13 break
        dt(2026, 3, 31, 14, 45),
        dt(2026, 3, 31, 15, 45),
        dt(2026, 3, 31, 16, 0),  # the deadline
    ]


def test_projection_and_at_risk(cal):
    # Step 3 started Monday 9 March: 10 working days later, 18-24 March being holidays, is 30 March 10:00; steps 6-8
    # then take 180 + 60 + 15 working minutes (over the 12-13 break): projected 30 March 15:15 -> on track.
    records = [(1, dt(2026, 3, 2, 8, 0), dt(2026, 3, 2, 8, 5)), (2, None, dt(2026, 3, 2, 10, 0)),
               (3, dt(2026, 3, 9, 10, 0), None)]
    res = run(cal, records, dt(2026, 3, 10, 9, 0))
    assert res.steps[2].due == dt(2026, 3, 30, 10, 0)
    assert res.projected_finish == dt(2026, 3, 30, 15, 15)
    assert not res.at_risk and res.overall == CYCLE_ON_TRACK
    # Starting step 3 on 17 March instead: due 8 April (3 April is Good Friday) -> past 31 March -> at risk
    records[2] = (3, dt(2026, 3, 17, 10, 0), None)
    res = run(cal, records, dt(2026, 3, 17, 11, 0))
    assert res.steps[2].due == dt(2026, 4, 8, 10, 0)
    assert res.projected_finish == dt(2026, 4, 8, 15, 15)
    assert res.at_risk and res.overall == CYCLE_AT_RISK


def test_projection_of_running_step_without_standard_is_as_of(cal):
    records = [(3, dt(2026, 1, 6, 8, 0), dt(2026, 1, 19, 8, 0)), (4, None, None)]
    res = run(cal, records, dt(2026, 1, 20, 9, 0))
    assert res.steps[3].status == STATUS_RUNNING
    # as_of, then step 5 (no standard), then 180 + 60 + 15 working minutes.  Steps 1 and 2 were never recorded:
    # they are behind the cycle and do not count in the projection (validation reports the gap).
    assert res.projected_finish == dt(2026, 1, 20, 14, 15)


def test_delivered_cycle(cal):
    records = [(1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 5)), (2, None, dt(2026, 1, 5, 10, 0)),
               (3, None, dt(2026, 1, 19, 8, 0)), (4, None, dt(2026, 2, 2, 10, 0)), (5, None, dt(2026, 3, 2, 9, 0)),
               (6, None, dt(2026, 3, 2, 11, 0)), (7, None, dt(2026, 3, 3, 9, 0)), (8, None, dt(2026, 3, 3, 9, 10))]
    res = run(cal, records, dt(2026, 4, 1, 9, 0))
    assert res.delivered and res.delivered_at == dt(2026, 3, 3, 9, 10)
    assert res.overall == CYCLE_DELIVERED and res.current is None
    # step 3: from 5 Jan 10:00, 10 working days (16 Jan is Isra Mikraj) -> due 20 Jan 10:00, done 19 Jan: on time
    assert res.steps[2].due == dt(2026, 1, 20, 10, 0) and res.steps[2].status == STATUS_DONE_ON_TIME
    # step 7: from 2 March 11:00, 60 minutes -> due 12:00; done 3 March 09:00 -> late 13-16 (180) + 07:30-09:00 (90)
    assert res.steps[6].status == STATUS_DONE_LATE and res.steps[6].late_minutes == 270
    assert [s.status for s in res.steps].count(STATUS_DONE) == 2  # steps 4 and 5 have no standard
    assert res.on_time_count == 7
    assert res.projected_finish == dt(2026, 3, 3, 9, 10)


def test_deadline_override(cal):
    res = run(cal, [], dt(2026, 1, 5, 9, 0), deadline=dt(2026, 2, 27, 16, 30))
    assert res.deadline == res.steps[-1].latest_finish == dt(2026, 2, 27, 16, 30)


def test_past_deadline_undelivered_is_late(cal):
    res = run(cal, [(1, dt(2026, 3, 2, 8, 0), None)], dt(2026, 4, 1, 9, 0))
    assert res.overall == CYCLE_LATE and res.at_risk
