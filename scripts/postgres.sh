#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 for the service tests; starts the
# local cluster if it is down, and fails loudly if it cannot.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432; }

if ! command -v pg_isready >/dev/null; then
  echo "==> Installing PostgreSQL"
  apt-get update && apt-get install -y postgresql
  # The tests connect as postgres over TCP without a password, as on the project's machines.
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  done
fi
# Each service test makes its own database; drop the previous run's.
drop_test_databases() {
  psql -h 127.0.0.1 -U postgres -At -c \
    "SELECT datname FROM pg_database WHERE datname LIKE 'pipewright_test_%'" |
    while read -r name; do dropdb -h 127.0.0.1 -U postgres --if-exists "$name"; done
}

if ready; then
  drop_test_databases
  exit 0
fi
echo "==> PostgreSQL is not answering on 127.0.0.1:5432; starting it"
if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
  for version in /etc/postgresql/*; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
  done
fi
for _ in $(seq 1 30); do
  if ready; then
    drop_test_databases
    exit 0
  fi
  sleep 1
done
echo "FATAL: PostgreSQL could not be started; the service tests need it (127.0.0.1:5432, trust auth)." >&2
exit 1
