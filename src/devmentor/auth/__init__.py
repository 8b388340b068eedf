"""Accounts and sign-in: local passwords, GitHub OAuth, rotating JWT sessions."""
