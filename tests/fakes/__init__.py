"""Local stand-ins for outside services, served over real sockets for end-to-end tests."""
