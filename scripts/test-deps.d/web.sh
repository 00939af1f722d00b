# Web dashboard tests: headless Chromium + chromedriver (Debian), selenium and schemathesis (PyPI).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    if declare -F apt_install >/dev/null; then apt_install chromium chromium-driver fonts-dejavu-core
    else apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null; fi
fi
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check selenium
command -v schemathesis >/dev/null 2>&1 || command -v st >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check schemathesis
