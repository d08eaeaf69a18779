"""The analysis of bench/write-stages: joins the three members' stage traces per request.

Usage: write_stages.py DATA LEADER ORIGIN T0 T1 T2. DATA holds member-N.trace (io.tern.platform.StageTrace);
puts were sent one at a time to LEADER between the monotonic times T0 and T1, then to the follower
ORIGIN until T2. Each put is followed from its decoding to its answer along the steps below: each
step is the first mark of its stage on its member after the step before. Of the two followers, the
one whose ack the leader took first is the one the commit waited for; where the member that applies
(the leader, or the follower the put came to) had not yet synced the entry itself by then, the wait
for its own write is a step of its own.
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
        if line.startswith("# dropped") and int(parts[2]) > 0:
            print(f"member {member} dropped {parts[2]} marks: its trace was full, so later puts are not traced")
        elif len(parts) == 3 and not line.startswith("#"):
            by_stage[parts[0]].append((int(parts[2]), int(parts[1])))
    events[member] = {}
    for stage, marks in by_stage.items():
        marks.sort()
        events[member][stage] = ([t for t, _ in marks], [k for _, k in marks])


def first(member, stage, after, key=None, key_at_least=None):
    """(time, key) of the first mark of stage on member at or after `after` with that key, or None."""
    times, keys = events[member].get(stage, ([], []))
    for i in range(bisect.bisect_left(times, after), len(times)):
        if (key is None or keys[i] == key) and (key_at_least is None or keys[i] >= key_at_least):
            return times[i], keys[i]
    return None


OWN_WRITE = "own write"  # a step that ends when the member has synced the put's entry itself, if later


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
            + [("leader's own sync, if it ended later", leader, OWN_WRITE, None),
               ("leader hands the commit to its applier", leader, "COMMITTED_TO_APPLIER", None),
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
               ("follower's own sync, if it ended later", origin, OWN_WRITE, None),
               ("follower hands the commit to its applier", origin, "COMMITTED_TO_APPLIER", None),
               ("follower's applier takes it", origin, "APPLY_BEGUN", None),
               ("follower's apply", origin, "APPLIED", None),
               ("follower's event loop writes the answer", origin, "CLIENT_ANSWERED", None)])


def follow(path, decoded, answered):
    """([(label, time)] of each step, None), or (None, the step that has no mark before the answer)."""
    at, row, entry, cut = decoded, [], None, None
    for label, member, stage, key in path:
        if stage == OWN_WRITE:
            # The put's entry is the last of the leader's Ready; the member's own Ready may hold more.
            synced = first(member, "PERSISTED_ON_LOOP", cut, key_at_least=entry)
            if synced is None:
                return None, label
            at = max(at, synced[0])
        else:
            hit = first(member, stage, at, key)
            if hit is None or hit[0] > answered:
                return None, label
            at = hit[0]
            if stage == "READY_WITH_ENTRIES" and member == leader:
                entry, cut = hit[1], hit[0]
        row.append((label, at))
    return row, None


def report(title, member, path_for, start, end):
    gaps, totals, all_totals, labels = collections.defaultdict(list), [], [], []
    untraced = collections.Counter()
    decodings, _ = events[member].get("CLIENT_DECODED", ([], []))
    in_run = [t for t in decodings if start <= t <= end]
    if not in_run:
        print(f"\n{title}: no put was decoded")
        return
    followers = [m for m in (1, 2, 3) if m != leader]
    for decoded in (t for t in in_run if t >= in_run[0] + CLIENT_WARM_UP):
        answered = first(member, "CLIENT_ANSWERED", decoded)
        if answered is None:
            untraced["no answer"] += 1
            continue
        answered = answered[0]
        all_totals.append((answered - decoded) / 1000)
        tries = [follow(path_for(f), decoded, answered) for f in followers]
        rows = [row for row, _ in tries if row]
        if not rows:
            untraced["no " + tries[0][1]] += 1
            continue
        # The ack the commit waited for is the one the leader took first.
        row = min(rows, key=lambda r: dict(r)["leader's Raft loop takes the ack"])
        labels = labels or [label for label, _ in row]
        before = decoded
        for label, at in row:
            gaps[label].append((at - before) / 1000)
            before = at
        totals.append((answered - decoded) / 1000)
    print(f"\n{title}: {len(totals)} puts traced, microseconds from the step before")
    print("%-48s %7s %7s %7s %7s" % ("", "p50", "mean", "p90", "p99"))

    def line(name, values):
        values = sorted(values)
        q = lambda p: values[min(len(values) - 1, int(p * len(values)))]
        print("%-48s %7.0f %7.0f %7.0f %7.0f" % (name, q(.5), statistics.mean(values), q(.9), q(.99)))
    for label in labels:
        line(label, gaps[label])
    if totals:
        line("decoded to answered", totals)
        line(f"  the same, all {len(all_totals)} puts answered", all_totals)
    if untraced:
        print("not traced whole: " + ", ".join(f"{n} ({why})" for why, n in untraced.most_common()))


report(f"to the leader (member {leader})", leader, through_leader, t0, t1)
report(f"to a follower (member {origin})", origin, through_follower, t1, t2)
