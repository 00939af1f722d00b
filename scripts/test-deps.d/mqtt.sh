# MQTT tests: a real mosquitto broker, openssl for generated TLS certificates, paho-mqtt as an independent client.
# Sourced by the test script; idempotent and quiet.
if ! command -v mosquitto >/dev/null 2>&1 && ! [ -x /usr/sbin/mosquitto ]; then
    (apt-get update -qq && apt-get install -y -qq mosquitto) >/dev/null 2>&1 || echo "mqtt.sh: could not install mosquitto" >&2
fi
command -v openssl >/dev/null 2>&1 || apt-get install -y -qq openssl >/dev/null 2>&1 || echo "mqtt.sh: could not install openssl" >&2
if ! python3 -c 'import paho.mqtt.client' >/dev/null 2>&1; then
    python3 -m pip install -q paho-mqtt >/dev/null 2>&1 \
        || apt-get install -y -qq python3-paho-mqtt >/dev/null 2>&1 \
        || echo "mqtt.sh: could not install paho-mqtt" >&2
fi
