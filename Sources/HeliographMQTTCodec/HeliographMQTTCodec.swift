// HeliographMQTTCodec: see DESIGN.md. Placeholder until its first type lands.
