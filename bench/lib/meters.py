"""Reads a file written by scrape_members (bench/lib/members.sh)."""


def read_meters(path):
    """{(member, series): value} of every sample line; comments and labelled series whose labels hold
    spaces are left out."""
    meters = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 3 and not parts[1].startswith("#"):
            meters[(parts[0], parts[1])] = float(parts[2])
    return meters
