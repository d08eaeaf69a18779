# Helpers for the bench scripts that run real members; source it.

# Prints the address (HOST:PORT) of the member that leads the cluster at ENDPOINTS, waiting up to 30 s
# for one; fails, printing nothing, if none leads by then.
await_leader() { # TERN ENDPOINTS
  local leader
  for _ in $(seq 1 100); do
    leader=$("$1" status --json --endpoints "$2" 2>/dev/null | python3 -c '
import json, sys
print(next((m["address"] for m in json.load(sys.stdin) if m.get("role") == "LEADER"), ""))' 2>/dev/null) || true
    if [[ -n $leader ]]; then
      echo "$leader"
      return 0
    fi
    sleep 0.3
  done
  return 1
}

# The --cluster value of COUNT members on the loopback address, member i at port PORT + i - 1.
cluster_of() { # PORT COUNT
  local i spec=""
  for ((i = 1; i <= $2; i++)); do spec+="$i=127.0.0.1:$(($1 + i - 1)),"; done
  echo "${spec%,}"
}

# The same members' client addresses, for --endpoints.
endpoints_of() { # PORT COUNT
  local i list=""
  for ((i = 0; i < $2; i++)); do list+="127.0.0.1:$(($1 + i)),"; done
  echo "${list%,}"
}

# One line: the user and system CPU (in clock ticks) each of the processes PID... has used so far.
members_cpu() { # PID...
  local pid
  for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat"; done | paste -sd' '
}

# Writes the /metrics pages of members 1..COUNT, member i's at METRICS_BASE + i, to FILE, each line
# prefixed with its member's number (bench/lib/meters.py reads it back).
scrape_members() { # METRICS_BASE COUNT FILE
  local i
  for ((i = 1; i <= $2; i++)); do curl -s "http://127.0.0.1:$(($1 + i))/metrics" | sed "s/^/$i /"; done >"$3"
}
