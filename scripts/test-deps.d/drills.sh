# The crash and outage drills read the daemon's SQLite file with the sqlite3 shell (an independent reader).
command -v sqlite3 >/dev/null 2>&1 || apt_install sqlite3 || echo "drills.sh: could not install sqlite3" >&2
