"""Turning source texts into chunks and chunks into the Chroma + keyword index."""
