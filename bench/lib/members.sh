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
