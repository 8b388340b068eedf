"""DevMentor: a self-hostable AI mentor that teaches developers from their own code."""

__version__ = "0.1.0"
