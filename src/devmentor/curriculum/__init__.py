"""The curriculum: a skill graph with lessons and question banks, shipped as data files."""
