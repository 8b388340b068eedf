from devmentor.cli import app

app(prog_name="devmentor")
