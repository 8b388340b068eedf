"""Alembic migrations, shipped inside the package so `devmentor migrate` works anywhere."""
