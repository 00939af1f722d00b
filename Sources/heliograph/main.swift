print("heliograph")
