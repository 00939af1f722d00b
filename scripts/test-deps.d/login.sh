# Login tests: `htpasswd` (apache2-utils) makes the `$2y$` bcrypt hashes the README tells users to store.
command -v htpasswd >/dev/null 2>&1 || apt_install apache2-utils || echo "login.sh: could not install apache2-utils" >&2
