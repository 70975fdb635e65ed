"""Review: the cases people work (referred, contested, objected), staff and their authority, the automation switch."""
