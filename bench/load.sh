#!/usr/bin/env bash
# Load test on loopback: N synthetic cases (default 100,000), then wrk against a static health
# endpoint, the case list and a case page, in one run of one server.
#
#     bench/load.sh [CASES] [SECONDS]
#
# Needs wrk (installed from Debian's packages if missing). On a 2-core machine wrk and the
# server share the cores: the figures are a floor, not a ceiling.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
seconds=${2:-10}
port=18080

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
bin=target/release/corridor
dir=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export CORRIDOR_PASSPHRASE="load test passphrase, synthetic data only"
export CORRIDOR_LOG=warn

export CORRIDOR_ADMIN_PASSWORD="load test admin password"
export CORRIDOR_USER_PASSWORD="load test caseworker password"
$bin --data-dir "$dir" init >/dev/null
$bin --data-dir "$dir" user add bench --role caseworker >/dev/null
echo "seeding $cases cases…"
$bin --data-dir "$dir" demo seed --cases "$cases" --seed 1 >/dev/null
case_id=$($bin --data-dir "$dir" case list --json | grep -m1 -o '"id": "[^"]*"' | cut -d'"' -f4)
$bin --data-dir "$dir" serve --bind "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done

# Sign in as the caseworker through the pages: password, then TOTP enrolment with the code the
# operator can read (`corridor demo totp`), as a person would with an authenticator app.
base="http://127.0.0.1:$port"
jar="$dir/cookies.txt"
login_csrf=$(curl -fs -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | cut -d'"' -f4)
page=$(curl -fs -b "$jar" "$base/login" -d "csrf=$login_csrf" -d "username=bench" \
    -d "password=$CORRIDOR_USER_PASSWORD")
pending=$(printf '%s' "$page" | grep -o 'name="pending" value="[^"]*"' | cut -d'"' -f4)
code=$($bin --data-dir "$dir" demo totp bench)
cookie=$(curl -fs -o /dev/null -D - "$base/login/enrol" -d "pending=$pending" -d "code=$code" \
    | grep -i '^set-cookie:' | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }

for path in /healthz /cases "/cases/$case_id"; do
    label=$path
    [ "$path" = "/cases/$case_id" ] && label="/cases/{id}"
    echo
    echo "== $label =="
    wrk -t2 -c32 -d"${seconds}s" --latency -H "Cookie: $cookie" "$base$path" \
        | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
done
