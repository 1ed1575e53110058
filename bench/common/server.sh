# bench/common/server.sh — sourced by bench/run, bench/compare and
# bench/syscalls: CPU pinning and starting an echo server.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)

# Sets pin_server and pin_client (taskset prefixes: the server on the
# second allowed CPU, the load generator on the first) and pinning (a
# description). Left to the scheduler, a server that migrates between the
# cores, or lands on the load generator's core for a while, changes a
# round trip's cost by up to 25 % from one repetition to the next
# (measured with the same binary as A and B); pinned that spread is ~3 %.
# With fewer than two CPUs allowed (or no taskset), nothing is pinned.
bench_pin() {
  local part list cpus=() parts=()
  list=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status) # "0-3,6"
  IFS=, read -ra parts <<<"$list"
  for part in "${parts[@]}"; do
    if [[ $part == *-* ]]; then cpus+=($(seq "${part%-*}" "${part#*-}")); else cpus+=("$part"); fi
  done
  if [[ ${#cpus[@]} -ge 2 ]] && command -v taskset >/dev/null; then
    pin_server=(taskset -c "${cpus[1]}") pin_client=(taskset -c "${cpus[0]}")
    pinning="server on CPU ${cpus[1]}, load generator on CPU ${cpus[0]}"
  else
    pin_server=() pin_client=()
    pinning="not pinned"
  fi
}

# bench_start_server WHO PROGRAM OUT ERR: starts PROGRAM on a free port
# (prefixed by pin_server), stdout to OUT and stderr to ERR; sets
# server_pid and server_port once it printed "listening on
# 127.0.0.1:PORT". If it does not, prints ERR and exits 1 (WHO: the
# script's name, for the message).
bench_start_server() {
  local who=$1 prog=$2 so=$3 se=$4
  : >"$so"
  "${pin_server[@]}" "$prog" 0 >"$so" 2>"$se" &
  server_pid=$!
  for _ in $(seq 1 500); do
    if grep -q '^listening on ' "$so" 2>/dev/null; then
      server_port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$so" | head -1)
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.01
  done
  echo "$who: $prog did not start" >&2
  cat "$se" >&2
  exit 1
}
