#!/usr/bin/env bash
# ApprovalPortal and its peers on this machine in one session, interleaved run by run: each run measures
# the peers (../shared/bench/peers/run.sh, SYSTEMS) and then ApprovalPortal on SQLite (WAL, synchronous=FULL)
# and on PostgreSQL (a private cluster with server defaults: fsync on). One summary table at the end.
#
#   bash tests/Benchmarks/compare.sh                     # N=2000 C=16 RUNS=3
#   RUNS=5 SYSTEMS="mastra-libsql maf" bash tests/Benchmarks/compare.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
peers="$root/../shared/bench/peers"
export N="${N:-2000}" C="${C:-16}" BENCH_DIR="${BENCH_DIR:-/tmp/approval-bench}"
RUNS="${RUNS:-3}"
SYSTEMS="${SYSTEMS:-mastra-libsql langgraph-sqlite dbos-postgres maf}"
session="compare-$(date -u +%Y%m%d-%H%M%S)"
results="$peers/results/$session"
mkdir -p "$results" "$BENCH_DIR"

dotnet build -c Release "$root/tests/Benchmarks" -v q -nologo >/dev/null
ours=("$root/tests/Benchmarks/bin/Release/net10.0/ApprovalPortal.Benchmarks")

# ApprovalPortal's own PostgreSQL: server defaults (durable commits), on a port of its own.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata="$BENCH_DIR/approvalportal-pgdata"
pgport="${AP_PG_PORT:-55542}"
if [ ! -d "$pgdata" ]; then
  mkdir -p "$pgdata" && chown postgres "$pgdata"
  su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdata -U postgres -A trust -E UTF8 --no-locale >/dev/null"
fi
su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdata -l $pgdata/log -w -o '-p $pgport -k /tmp -c listen_addresses=127.0.0.1' start" >/dev/null
trap 'su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdata -m fast stop" >/dev/null 2>&1 || true' EXIT

for r in $(seq 1 "$RUNS"); do
  echo "== run $r of $RUNS: peers [$SYSTEMS]"
  (cd "$peers" && SESSION="$session" RUNS=1 SKIP_INSTALL=1 SYSTEMS="$SYSTEMS" bash run.sh >/dev/null 2>&1) || echo "peers run $r failed; see $results/run.log"
  for f in "$results"/*."$session"-r1.json; do [ -e "$f" ] && mv "$f" "${f%-r1.json}-run$r.json"; done
  echo "== run $r of $RUNS: ApprovalPortal"
  "${ours[@]}" approval-loop --provider sqlite --n "$N" --c "$C" --data "$BENCH_DIR" --json "$results/approvalportal-sqlite.$session-run$r.json" | tail -1
  "${ours[@]}" approval-loop --provider postgres --n "$N" --c "$C" --pg "Host=127.0.0.1;Port=$pgport;Username=postgres" \
    --json "$results/approvalportal-postgres.$session-run$r.json" | tail -1
done

node "$peers/summarize.mjs" "$results" | tee "$results/summary.md"
