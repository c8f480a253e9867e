"""Where generated text came from: stamps, watermark, and the local run history."""
