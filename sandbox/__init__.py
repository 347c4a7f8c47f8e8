"""The judge: compile and run untrusted programs in a sandbox. Never imports ``solver``."""
