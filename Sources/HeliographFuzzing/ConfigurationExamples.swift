/// Configurations as users write them: packaging/heliograph.example.yaml and the YAML examples in
/// README.md, copied when the fuzzer was written. Seeds only: a changed example does not need copying again.
enum ConfigurationExamples {
    static let all: [String] = [
        #"""
        # Heliograph configuration. Every key is explained in the README's "Configuration" section.
        # Check it with:  heliograph config check /etc/heliograph/heliograph.yaml
        # Find your devices and get their settings with:  heliograph scan

        site:
          name: Home
          # time_zone: Europe/London      # default: the machine's

        storage:
          # The systemd unit sets HELIOGRAPH_STORAGE_PATH=/var/lib/heliograph/heliograph.sqlite.
          path: heliograph.sqlite
          # retention_days: 3650

        devices:
          inverter:
            type: pi30
            port: /dev/hidraw0            # `heliograph scan` prints the right one
            interval: 10s

        http:
          port: 8080
          # tokens:
          #   home-assistant_file: ha_token   # a systemd credential (LoadCredential=ha_token:/etc/heliograph/secrets/ha_token)

        logging:
          level: info
          format: logfmt                 # text, logfmt or json; under systemd the journal adds timestamps
        """#,
        #"""
        site:
          name: Home                  # shown in the UI; default "Home"
          time_zone: Europe/London    # IANA name, used for daily energy; default: the machine's

        storage:
          path: /var/lib/heliograph/heliograph.sqlite   # default ./heliograph.sqlite
          retention_days: 3650        # full-resolution history kept this long; default: forever
          # backend: postgres         # sqlite (default) or postgres; see "PostgreSQL for fleets"
          # url: postgres://heliograph@db.example:5432/heliograph?sslmode=prefer&schema=heliograph
          # password_file: /etc/heliograph/pg-password   # first line is the password; or put it in the url

        devices:                      # map of device id → settings; ids use a-z 0-9 _ -
          inverter:
            type: pi30                # Voltronic / Axpert / MPP Solar / EASUN (PI30 protocol)
            port: /dev/hidraw0        # /dev/hidraw* = USB HID, anything else = serial (or a pty)
            baud: 2400                # serial only; default 2400
            hid: true                 # force HID or serial; default: true for /dev/hidraw*
            interval: 10s             # time between polls: 500ms, 10s, 5m, 1h or plain seconds; default 10s
            timeout: 5s               # longest one poll may take; default 5s
            queries: [QPIGS, QMOD]    # merged into one sample per poll; default QPIGS, QMOD, QPIWS
          hybrid:
            type: deye                # Deye / Sunsynk / rebranded hybrids, string and micro inverters
            host: 192.168.1.50        # the Solarman logger stick (or a Modbus TCP gateway)
            transport: v5             # v5 (logger, port 8899) or modbus-tcp (port 502); default v5
            logger_serial: 2612749371 # printed on the stick; 0 learns it from the first answer
            slave_id: 1               # the inverter's Modbus address; default 1
            model: deye_single_phase_hybrid   # or deye_three_phase_hybrid_lv|_hv, deye_string, deye_micro
          roof:
            type: hoymiles            # Hoymiles DTU-Pro / DTU-Pro-S over Modbus TCP
            host: 192.168.1.60
            port: 502                 # default 502
            unit: 1                   # Modbus unit id set in the Hoymiles app; default 1
            daily_reset_hour: 0       # local hour the DTU restarts its daily counters; default 0
            interval: 60s             # every inverter behind the DTU appears as its own device roof-<serial>

        http:
          enabled: true               # default true
          host: 0.0.0.0               # default 0.0.0.0; the demo binds 127.0.0.1
          port: 8080                  # default 8080
          open_reading: true          # reading without login on the LAN; default true
          tokens: { scripts: "a-long-random-token-of-16+-chars" }   # by name; HELIOGRAPH_HTTP_TOKENS_SCRIPTS overrides
          users: { admin: "$2b$12$..." }   # bcrypt hashes only: htpasswd -nbBC 12 admin PASSWORD
                                      # known: QPIGS QPIGS2 QMOD QPIRI QPIWS QID QVFW QPI QFLAG

        mqtt:                         # optional; without it no MQTT at all (see "MQTT and Home Assistant")
          host: 192.168.1.10          # the broker; required in this section
          port: 1883                  # default 1883, or 8883 with tls
          tls: false                  # default false
          ca_file: /etc/heliograph/broker-ca.pem   # PEM CA to trust with tls; default: the system's
          username: heliograph
          password_file: /etc/heliograph/mqtt-password   # or password: ...; or a credential name (see Secrets)
          client_id: heliograph-house # default heliograph-<hostname>
          topic_prefix: heliograph    # default heliograph
          discovery: true             # Home Assistant MQTT discovery; default true
          discovery_prefix: homeassistant
          per_field_topics: true      # <prefix>/<device>/<field> besides the state JSON; default true
          compatibility_topics: false # also the older homeassistant/inverter/{metric} topics; default false
          compatibility_device: inverter # the device those describe; default the first under devices:
          commands: false             # settings as HA select/number/switch entities, changed over MQTT; default false
          diagnostics: true           # the daemon's own health as HA diagnostic entities; default true
          qos: 1                      # 0 or 1; default 1 (queued on disk while the broker is away)
          keep_alive: 30s
          outbox_directory: /var/lib/heliograph/mqtt-outbox   # default: mqtt-outbox next to the database
          outbox_fsync: false         # flush each queued message to disk (power-cut safe, more flash wear)

        logging:
          level: info                 # trace, debug, info, notice, warning, error, critical
          format: text                # text, logfmt (key=value) or json (one object per line), on stderr
          journald: auto              # auto (when systemd's JOURNAL_STREAM is our stderr), true or false

        metrics:
          enabled: true               # Prometheus text format at /metrics on the http server; default true
          stale_after: 10m            # a device silent this long loses its field series; default 10m
          textfile_directory: /var/lib/prometheus/node-exporter   # also write heliograph.prom here (node_exporter textfile collector); default off
          textfile_interval: 15s      # how often that file is rewritten (atomically); default 15s

        heartbeat:                    # healthchecks.io-style dead man's switch; off unless url is set
          url: https://hc-ping.com/your-check-uuid   # POSTed "ok" when healthy; url/fail with the problems otherwise
          interval: 60s               # check and ping this often (healthy = every device polled OK within it, storage answers); default 60s
          timeout: 10s                # per ping; default 10s

        influxdb:                     # off unless url is set; every validated sample is copied here
          url: http://127.0.0.1:8086  # http or https
          api: v1                     # v1 (/write, InfluxDB 1.x) or v2 (/api/v2/write, 2.x/3.x); default v2 when a token is set
          database: heliograph        # v1; default heliograph
          retention_policy: autogen   # v1; optional
          username: writer            # v1; optional basic authentication
          password_file: /etc/heliograph/influx.pass   # or password: …; or a credential name (see Secrets)
          org: home                   # v2
          bucket: solar               # v2
          token_file: /etc/heliograph/influx.token     # or token: …; or a credential name (see Secrets)
          measurement_prefix: ""      # measurements are named after the device kind: pi30, deye-hybrid, …
          tags: { site: home }        # added to every point, besides device and model
          batch_size: 5000            # points per request; default 5000
          timeout: 10s                # per request; default 10s
          max_backoff: 60s            # retries back off from 1 s up to this, with jitter; default 60s
          gzip: true                  # compress request bodies; default true
          spool_directory: /var/lib/heliograph/influxdb-spool   # default: influxdb-spool beside the database
          spool_max_mb: 512           # past this the oldest unsent batches are dropped (and counted); default 512
        """#,
        #"""
        devices:
          battery:
            type: powervault          # Powervault P3: subscribes pv/PV3/<device_id>/# (read-only; the P3 ignores commands)
            device_id: PV001001DEV    # subscribe to pv/# once to find it
            grid_channel: HOUSE       # which ffr/measurements CT is the grid / the house / aux; installations differ
            house_channel: LOCAL      # defaults HOUSE, LOCAL, AUX1
            aux_channel: AUX1
            stale_after: 5m           # default 5m
          house:
            type: mqtt-sensors        # any sensor topics gathered into one device
            kind: house               # sensor (default), house or weather: where the web shows it
            topics: [house/+, weather/#]   # the levels a wildcard matches name the field: house/kitchen_temp → kitchen_temp
            json_key: value           # JSON object payloads: read this member; default `value`, else every member
            fields:                   # optional exact mappings by topic
              zigbee2mqtt/garage: { field: garage_temperature_c, unit: "°C", json_key: temperature, scale: 1 }
            interval: 30s             # default 30s for this type; stale_after default 1h
        """#,
        #"""
        site:
          latitude: 51.48             # degrees north; used by weather and the sun's position
          longitude: -0.01            # degrees east (west negative)

        devices:
          weather:
            type: open-meteo
            base_url: https://api.open-meteo.com   # default; a self-hosted Open-Meteo works too
            forecast_hours: 48        # default 48
            latitude: 51.48           # default site.latitude / site.longitude
            interval: 10m             # default 10m for this type; timeout default 15s

        solar:
          peak_power_kw: 5.2          # one array; or `arrays:` a list of {peak_power_kw, tilt, azimuth, losses_pct}
          tilt: 35                    # degrees from horizontal; default 30
          azimuth: 180                # compass direction the panels face (90 east, 180 south); default 180
          losses_pct: 14              # default 14
          producers: [inverter]       # devices whose pv_power_w is the actual output; default all
          weather: weather            # the open-meteo device to use; default the only one
          device: solar               # id of the estimate device; default solar
          interval: 1m
        """#,
        #"""
        switches:
          boiler:
            style: tasmota            # tasmota: cmnd/<name>/POWER ON|OFF (default); shelly: shellies/<name>/relay/0/command on|off;
                                      # home-assistant or custom: give topic (and payloads)
            name: boiler_relay        # Tasmota topic / Shelly id; default the switch id
            topic: cmnd/boiler/POWER  # overrides the style's topic
            payload_on: "ON"          # default from the style
            payload_off: "OFF"
            retain: false
            on_when:
              - inverter.battery_soc_pct > 90
              - inverter.pv_power_w > inverter.load_power_w + 1500
              - weather.forecast_cloud_cover_3h_pct < 60
            off_when:
              - inverter.battery_soc_pct < 60
            min_on: 10m
            min_off: 5m
            window: "10:00-16:00"     # may run over midnight: "22:00-06:00"
            max_age: 5m
        """#,
        #"""
        alerts:
          rules:
            battery-low:
              when: inverter.battery_soc_pct < 15
              clear: inverter.battery_soc_pct > 25   # default: when `when` no longer holds
              severity: critical                     # info, warning (default), critical
              message: Battery nearly empty
              repeat: 1h                             # default: notify once
              quiet_after_resolve: 10m
              notify_resolved: true                  # default true
            logger-offline:
              stale: inverter                        # a device id
              after: 10m                             # default 10m
          webhooks:
            phone:                                   # ntfy: text body, title and priority headers
              url: https://ntfy.sh/my-heliograph
              headers: { Title: "Heliograph: {rule}", Priority: "{priority}", Content-Type: text/plain }
              body: "{message}"
            home-assistant:                          # default: POST a JSON object with every placeholder
              url: http://homeassistant.local:8123/api/webhook/heliograph
          mqtt: true                                 # default: true when mqtt: is configured
          mqtt_topic: heliograph/alerts
        """#,
        #"""
        ingest: mqtt                  # this node ingests (needs mqtt:); default none
        fleet:
          group: heliograph-ingest    # shared subscription group; the same on every ingest node
          publish: false              # edge node: publish every sample for ingest nodes; default false
        mqtt:
          host: broker.example
          client_id: ingest-1         # must differ per node (the default uses the host name)
        """#,
        #"""
        scrape_configs:               # prometheus.yml
          - job_name: heliograph
            static_configs: [{ targets: ["inverter-pi:8080"] }]
            # authorization: { credentials: "<an http.tokens value>" }   # when open_reading is false
        """#,
    ]
}
