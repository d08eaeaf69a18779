"""The analysis of bench/write-stages: joins the three members' stage traces per request.

Usage: write_stages.py DATA LEADER ORIGIN T0 T1 T2. DATA holds member-N.trace (io.tern.platform.StageTrace);
puts were sent one at a time to LEADER between the monotonic times T0 and T1, then to the follower
ORIGIN until T2. Each put is followed from its decoding to its answer along the steps below: each
step is the first mark of its stage on its member after the step before. Of the two followers, the
one whose ack the leader took first is the one the commit waited for.
"""
import bisect
import collections
import statistics
import sys

data, leader, origin = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0, t1, t2 = map(int, sys.argv[4:7])
CLIENT_WARM_UP = 5_000_000_000  # each run's first 5 s

events = {}  # member -> stage -> (sorted times, their keys)
for member in (1, 2, 3):
    by_stage = collections.defaultdict(list)
    for line in open(f"{data}/member-{member}.trace"):
        parts = line.split()
        if len(parts) == 3:
            by_stage[parts[0]].append((int(parts[2]), int(parts[1])))
    events[member] = {}
    for stage, marks in by_stage.items():
        marks.sort()
        events[member][stage] = ([t for t, _ in marks], [k for _, k in marks])


def first(member, stage, after, key=None):
    """The time of the first mark of stage on member at or after `after` (with that key), or None."""
    times, keys = events[member].get(stage, ([], []))
    for i in range(bisect.bisect_left(times, after), len(times)):
        if key is None or keys[i] == key:
            return times[i]
    return None


def replication(f):
    """From the leader's AppendEntries to the follower f until the leader took f's ack."""
    return [("leader sends the AppendEntries", leader, "APPEND_SENT", f),
            ("  follower's event loop decodes it", f, "APPEND_RECEIVED", leader),
            ("  follower's Raft loop takes it", f, "APPEND_STEPPED", leader),
            ("  follower's Raft loop cuts a Ready", f, "READY_WITH_ENTRIES", None),
            ("  follower's log thread takes it", f, "LOG_WRITE_BEGUN", None),
            ("  follower's append and sync", f, "LOG_SYNCED", None),
            ("  follower's Raft loop takes it back", f, "PERSISTED_ON_LOOP", None),
            ("  follower sends its ack", f, "ACK_SENT", leader),
            ("leader's event loop decodes the ack", leader, "ACK_RECEIVED", f),
            ("leader's Raft loop takes the ack", leader, "ACK_STEPPED", f)]


def through_leader(f):
    return ([("leader's Raft loop takes the proposal", leader, "PROPOSAL_ON_LOOP", None),
             ("leader's Raft loop cuts a Ready", leader, "READY_WITH_ENTRIES", None)]
            + replication(f)
            + [("leader hands the commit to its applier", leader, "COMMITTED_TO_APPLIER", None),
               ("leader's applier takes it", leader, "APPLY_BEGUN", None),
               ("leader's apply", leader, "APPLIED", None),
               ("leader's event loop writes the answer", leader, "CLIENT_ANSWERED", None)])


def through_follower(f):
    return ([("follower's Raft loop takes the proposal", origin, "PROPOSAL_ON_LOOP", None),
             ("follower sends its ProposeRequest", origin, "PROPOSE_SENT", leader),
             ("leader's event loop decodes it", leader, "PROPOSE_RECEIVED", origin),
             ("leader's Raft loop takes it", leader, "PROPOSE_STEPPED", origin),
             ("leader's Raft loop cuts a Ready", leader, "READY_WITH_ENTRIES", None)]
            + replication(f)
            + [("leader sends the commit to the follower", leader, "APPEND_SENT", origin),
               ("follower's event loop decodes it", origin, "APPEND_RECEIVED", leader),
               ("follower's Raft loop takes it", origin, "APPEND_STEPPED", leader),
               ("follower hands the commit to its applier", origin, "COMMITTED_TO_APPLIER", None),
               ("follower's applier takes it", origin, "APPLY_BEGUN", None),
               ("follower's apply", origin, "APPLIED", None),
               ("follower's event loop writes the answer", origin, "CLIENT_ANSWERED", None)])


def follow(path, decoded, answered):
    """[(label, time)] of each step, or None if some step has no mark before the answer."""
    at, row = decoded, []
    for label, member, stage, key in path:
        at = first(member, stage, at, key)
        if at is None or at > answered:
            return None
        row.append((label, at))
    return row


def report(title, member, path_for, start, end):
    gaps, totals, labels, untraced = collections.defaultdict(list), [], [], 0
    decodings, _ = events[member].get("CLIENT_DECODED", ([], []))
    followers = [m for m in (1, 2, 3) if m != leader]
    for decoded in (t for t in decodings if start + CLIENT_WARM_UP <= t <= end):
        answered = first(member, "CLIENT_ANSWERED", decoded)
        rows = [row for row in (follow(path_for(f), decoded, answered or 0) for f in followers) if row]
        if not rows:
            untraced += 1
            continue
        # The ack the commit waited for is the one the leader took first.
        row = min(rows, key=lambda r: dict(r)["leader's Raft loop takes the ack"])
        labels = labels or [label for label, _ in row]
        before = decoded
        for label, at in row:
            gaps[label].append((at - before) / 1000)
            before = at
        totals.append((answered - decoded) / 1000)
    print(f"\n{title}: {len(totals)} puts traced ({untraced} not), microseconds from the step before")
    print("%-48s %7s %7s %7s %7s" % ("", "p50", "mean", "p90", "p99"))

    def line(name, values):
        values = sorted(values)
        q = lambda p: values[min(len(values) - 1, int(p * len(values)))]
        print("%-48s %7.0f %7.0f %7.0f %7.0f" % (name, q(.5), statistics.mean(values), q(.9), q(.99)))
    for label in labels:
        line(label, gaps[label])
    if totals:
        line("decoded to answered", totals)


report(f"to the leader (member {leader})", leader, through_leader, t0, t1)
report(f"to a follower (member {origin})", origin, through_follower, t1, t2)
